"""The import's limits. Each comes from the environment through `haard.core.config` (a bad
value stops the server with a message naming the variable); tests may override a value with a
Django setting of the same name."""

from __future__ import annotations

from django.conf import settings

from haard.core.config import env_int

# A police region exports some tens of thousands of rows a year; 200,000 leaves room for a
# backlog while keeping one batch within minutes and memory within bounds.
_MAX_ROWS = env_int("HAARD_IMPORT_MAX_ROWS", 200_000, minimum=1, maximum=5_000_000)
_MAX_BYTES = env_int("HAARD_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024, maximum=1024**3)
# Row errors kept per batch for the error report; beyond this they are counted only.
_MAX_STORED_ERRORS = env_int("HAARD_IMPORT_MAX_STORED_ERRORS", 10_000, minimum=100)


def max_rows() -> int:
    """The most data rows one file may hold."""
    return int(getattr(settings, "HAARD_IMPORT_MAX_ROWS", _MAX_ROWS))


def max_bytes() -> int:
    """The largest file accepted, in bytes."""
    return int(getattr(settings, "HAARD_IMPORT_MAX_BYTES", _MAX_BYTES))


def max_stored_errors() -> int:
    """How many row errors one batch keeps for its error report."""
    return int(getattr(settings, "HAARD_IMPORT_MAX_STORED_ERRORS", _MAX_STORED_ERRORS))
