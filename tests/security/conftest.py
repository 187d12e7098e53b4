"""The URL walk's world (tests/security/test_url_walk.py) for every test of this package."""

from tests.security.test_url_walk import world  # noqa: F401
