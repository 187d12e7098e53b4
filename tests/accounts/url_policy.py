"""The single sign-on pages in the URL walk (tests/security/test_url_walk.py). They show no
personal data of clients; with single sign-on off (the default, as in the walk) both answer
404, and tests/accounts/test_sso.py proves the rest."""

from __future__ import annotations

NO_PERSONAL_DATA = {"accounts:sso_login", "accounts:sso_callback"}
