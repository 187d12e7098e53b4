"""The browser fixtures for tests/registry/test_browser.py (from tests/e2e/conftest.py)."""

from __future__ import annotations

from tests.e2e.conftest import browser, page, page_log, playwright_instance  # noqa: F401
