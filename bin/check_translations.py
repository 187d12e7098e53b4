"""Fail when a message in the code is missing from its catalogue, a Dutch message is
untranslated or fuzzy, or a compiled catalogue is older than its source.

`makemessages` writes each message to the catalogue nearest to its file: an app with a
`locale` directory of its own (src/haard/<app>/locale) keeps its messages there, every other
message goes to src/haard/locale. Every catalogue is checked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "haard"


def _catalogue_dirs(root: Path) -> list[Path]:
    """The locale directories under `root` (relative), the package's own first."""
    found = sorted(p.relative_to(root) for p in root.rglob("locale") if (p / "nl").is_dir())
    return sorted(found, key=lambda p: len(p.parts))


def _messages_in_code() -> dict[Path, set[str]]:
    """Extract the messages afresh, in a scratch copy: the message ids per locale directory."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "haard"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-location", "--no-obsolete"],
            cwd=copy,
            check=True,
            capture_output=True,
            env={"DJANGO_SETTINGS_MODULE": "haard.settings", "PATH": "/usr/bin:/bin"},
        )
        return {
            directory: {
                entry.msgid
                for entry in polib.pofile(str(copy / directory / "nl" / "LC_MESSAGES" / "django.po"))
                if not entry.obsolete
            }
            for directory in _catalogue_dirs(copy)
            if (copy / directory / "nl" / "LC_MESSAGES" / "django.po").exists()
        }


def _check_catalogue(directory: Path, in_code: set[str]) -> list[str]:
    problems = []
    locale = PACKAGE / directory
    nl = polib.pofile(str(locale / "nl" / "LC_MESSAGES" / "django.po"))
    missing = sorted(in_code - {entry.msgid for entry in nl if not entry.obsolete})
    if missing:
        problems.append(f"{len(missing)} messages not in the catalogue (run makemessages): {missing[:3]}")
    untranslated = [entry.msgid for entry in nl.untranslated_entries()]
    fuzzy = [entry.msgid for entry in nl.fuzzy_entries()]
    if untranslated:
        problems.append(f"{len(untranslated)} Dutch messages untranslated, e.g. {untranslated[:3]}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} Dutch messages marked fuzzy, e.g. {fuzzy[:3]}")
    for language in ("nl", "en"):
        po = locale / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not po.exists():
            problems.append(f"{po} is missing: run makemessages -l {language}")
            continue
        compiled = polib.mofile(str(mo)) if mo.exists() else None
        if compiled is None:
            problems.append(f"{mo} is missing: run compilemessages")
            continue
        expected = {e.msgid: e.msgstr for e in polib.pofile(str(po)).translated_entries()}
        found = {e.msgid: e.msgstr for e in compiled if e.msgid}
        stale = [k for k, v in expected.items() if found.get(k) != v and v]
        if stale:
            problems.append(f"{mo} is out of date ({len(stale)} messages): run compilemessages")
    return [f"{directory}: {problem}" for problem in problems]


def main() -> int:
    problems = []
    for directory, in_code in _messages_in_code().items():
        problems += _check_catalogue(directory, in_code)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
