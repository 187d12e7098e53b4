"""Fail when a Dutch message is missing or the compiled catalogue is older than its source."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "haard" / "locale"


def main() -> int:
    problems = []
    nl = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in nl.untranslated_entries()]
    fuzzy = [entry.msgid for entry in nl.fuzzy_entries()]
    if untranslated:
        problems.append(f"{len(untranslated)} Dutch messages untranslated, e.g. {untranslated[:3]}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} Dutch messages marked fuzzy, e.g. {fuzzy[:3]}")
    for language in ("nl", "en"):
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        compiled = polib.mofile(str(mo)) if mo.exists() else None
        source = polib.pofile(str(po))
        if compiled is None:
            problems.append(f"{mo} is missing: run compilemessages")
            continue
        expected = {e.msgid: e.msgstr for e in source.translated_entries()}
        found = {e.msgid: e.msgstr for e in compiled if e.msgid}
        stale = [k for k, v in expected.items() if found.get(k) != v and v]
        if stale:
            problems.append(f"{mo} is out of date ({len(stale)} messages): run compilemessages")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
