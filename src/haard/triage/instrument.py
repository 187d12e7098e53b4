"""Instruments as data: checking an instrument file, storing it, and evaluating its rules.

An instrument file is JSON::

    {"key": "...", "version": 1, "name": "...", "description": "...",
     "items": [{"code": "...", "section": "...", "text": "...", "help_text": "...",
                "options": [{"code": "...", "label": "...", "score": 0, "colour": "green"}]}],
     "rules": [{"condition": "answer_is", "item": "...", "option": "...",
                "outcome": "acute", "severity": "red", "description": "..."},
               {"condition": "score_at_least", "threshold": 6, ...},
               {"condition": "colour_at_least", "colour": "red", "threshold": 2, ...},
               {"condition": "always", ...}]}

`check(data)` returns the list of problems, each naming the item or rule it is about; the
loader stores nothing unless the list is empty. Rules are tried in order and the first that
holds decides; the last rule must be `always`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haard.triage.models import Colour, Condition, Outcome

DEMO_INSTRUMENT = Path(__file__).resolve().parent / "instruments" / "demo.json"


class InstrumentError(ValueError):
    """The instrument file is not valid; `problems` names each item or rule at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check(data: Any) -> list[str]:
    """Every problem with an instrument file (empty when it is valid)."""
    if not isinstance(data, Mapping):
        return ["The file must hold one JSON object."]
    problems: list[str] = []
    problems.extend(f"{field}: required." for field in ("key", "name") if not _text(data.get(field)))
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append("version: a whole number of at least 1.")
    items = data.get("items")
    options_of: dict[str, set[str]] = {}
    if not isinstance(items, list) or not items:
        problems.append("items: at least one item.")
        items = []
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object.")
            continue
        code = str(item.get("code") or "")
        if _text(code):
            where = f"item {code}"
            if code in options_of:
                problems.append(f"{where}: the code is used twice.")
        else:
            problems.append(f"{where}: code is required.")
        if not _text(item.get("text")):
            problems.append(f"{where}: text is required.")
        options = item.get("options")
        codes: set[str] = set()
        if not isinstance(options, list) or len(options) < 2:
            problems.append(f"{where}: at least two answer options.")
            options = []
        for number, option in enumerate(options):
            if not isinstance(option, Mapping):
                problems.append(f"{where}, option {number + 1}: must be an object.")
                continue
            option_code = str(option.get("code") or "")
            label = f"{where}, option {option_code if _text(option_code) else number + 1}"
            if not _text(option_code):
                problems.append(f"{label}: code is required.")
            elif option_code in codes:
                problems.append(f"{label}: the code is used twice.")
            else:
                codes.add(option_code)
            if not _text(option.get("label")):
                problems.append(f"{label}: label is required.")
            score = option.get("score", 0)
            if isinstance(score, bool) or not isinstance(score, int):
                problems.append(f"{label}: score must be a whole number.")
            colour = option.get("colour", "")
            if colour and colour not in Colour.values:
                problems.append(f"{label}: unknown colour {colour!r} (use {', '.join(Colour.values)}).")
        if _text(code):
            options_of[code] = codes
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        problems.append("rules: at least one rule.")
        rules = []
    for index, rule in enumerate(rules):
        where = f"rule {index + 1}"
        if not isinstance(rule, Mapping):
            problems.append(f"{where}: must be an object.")
            continue
        condition = rule.get("condition")
        if condition not in Condition.values:
            problems.append(f"{where}: unknown condition {condition!r}.")
        if rule.get("outcome") not in Outcome.values:
            problems.append(f"{where}: unknown outcome {rule.get('outcome')!r}.")
        if rule.get("severity") not in Colour.values:
            problems.append(f"{where}: unknown severity colour {rule.get('severity')!r}.")
        if not _text(rule.get("description")):
            problems.append(f"{where}: description is required.")
        if condition == Condition.ANSWER_IS:
            rule_item, rule_option = str(rule.get("item") or ""), rule.get("option")
            if rule_item not in options_of:
                problems.append(f"{where}: refers to item {rule_item!r}, which the instrument lacks.")
            elif rule_option not in options_of[rule_item]:
                problems.append(f"{where}: item {rule_item} has no option {rule_option!r}.")
        if condition in (Condition.SCORE_AT_LEAST, Condition.COLOUR_AT_LEAST):
            threshold = rule.get("threshold")
            if isinstance(threshold, bool) or not isinstance(threshold, int):
                problems.append(f"{where}: threshold must be a whole number.")
        if condition == Condition.COLOUR_AT_LEAST and rule.get("colour") not in Colour.values:
            problems.append(f"{where}: unknown colour {rule.get('colour')!r}.")
    if rules and isinstance(rules[-1], Mapping) and rules[-1].get("condition") != Condition.ALWAYS:
        problems.append(
            f"rule {len(rules)}: the last rule must be 'always', so every assessment has an outcome."
        )
    return problems


def read_file(path: Path | str) -> dict[str, Any]:
    """The instrument in a JSON file; InstrumentError when the file cannot be read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentError([f"The file cannot be read: {exc.strerror}."]) from None
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            [f"Not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."]
        ) from None
    problems = check(data)
    if problems:
        raise InstrumentError(problems)
    return data


def store(data: Mapping[str, Any], *, models: Mapping[str, Any], activate: bool = True) -> Any:
    """Store a checked instrument with the given model classes (the real ones, or a data
    migration's historical ones). With `activate`, it becomes the only active instrument."""
    problems = check(data)
    if problems:
        raise InstrumentError(problems)
    instrument_model, item_model = models["Instrument"], models["Item"]
    option_model, rule_model = models["Option"], models["Rule"]
    if instrument_model.objects.filter(key=data["key"], version=data.get("version", 1)).exists():
        raise InstrumentError([f"version: {data['key']} version {data.get('version', 1)} is already loaded."])
    if activate:
        instrument_model.objects.filter(active=True).update(active=False)
    instrument = instrument_model.objects.create(
        key=data["key"],
        version=data.get("version", 1),
        name=data["name"],
        description=data.get("description", ""),
        active=activate,
    )
    for order, given in enumerate(data["items"]):
        item = item_model.objects.create(
            instrument=instrument,
            code=given["code"],
            section=given.get("section", ""),
            text=given["text"],
            help_text=given.get("help_text", ""),
            order=order,
        )
        option_model.objects.bulk_create(
            option_model(
                item=item,
                code=option["code"],
                label=option["label"],
                score=option.get("score", 0),
                colour=option.get("colour", ""),
                order=number,
            )
            for number, option in enumerate(given["options"])
        )
    rule_model.objects.bulk_create(
        rule_model(
            instrument=instrument,
            order=order,
            condition=rule["condition"],
            item_code=rule.get("item", ""),
            option_code=rule.get("option", ""),
            colour=rule.get("colour", ""),
            threshold=rule.get("threshold", 0),
            outcome=rule["outcome"],
            severity=rule["severity"],
            description=rule["description"],
        )
        for order, rule in enumerate(data["rules"])
    )
    return instrument


@dataclass(frozen=True)
class Chosen:
    """An answer as the rules see it."""

    item_code: str
    option_code: str
    score: int
    colour: str


def holds(rule: Any, answers: Iterable[Chosen]) -> bool:
    """Whether one rule holds for the answers."""
    answers = list(answers)
    if rule.condition == Condition.ALWAYS:
        return True
    if rule.condition == Condition.ANSWER_IS:
        return any(a.item_code == rule.item_code and a.option_code == rule.option_code for a in answers)
    if rule.condition == Condition.SCORE_AT_LEAST:
        return sum(a.score for a in answers) >= rule.threshold
    if rule.condition == Condition.COLOUR_AT_LEAST:
        return sum(1 for a in answers if a.colour == rule.colour) >= rule.threshold
    return False


def first_rule(rules: Iterable[Any], answers: Iterable[Chosen]) -> Any | None:
    """The first rule (in order) that holds, or None."""
    answers = list(answers)
    for rule in sorted(rules, key=lambda r: r.order):
        if holds(rule, answers):
            return rule
    return None
