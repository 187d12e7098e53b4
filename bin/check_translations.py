"""Fail when a message in the code is missing from the catalogues, a Dutch message is
untranslated or fuzzy, or a compiled catalogue is older than its source."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "haard"
LOCALE = PACKAGE / "locale"


def _messages_in_code() -> set[str]:
    """Extract the messages afresh, in a scratch copy, and return their ids."""
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
        fresh = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
        return {entry.msgid for entry in fresh if not entry.obsolete}


def main() -> int:
    problems = []
    nl = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    missing = sorted(_messages_in_code() - {entry.msgid for entry in nl if not entry.obsolete})
    if missing:
        problems.append(
            f"{len(missing)} messages are not in the catalogue (run makemessages), e.g. {missing[:3]}"
        )
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
