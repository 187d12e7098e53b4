"""The test identity provider, one per test session (tests/accounts/sso_provider.py)."""

from tests.accounts.sso_provider import oidc_provider  # noqa: F401
