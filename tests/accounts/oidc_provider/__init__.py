"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit with OIDC
on, run by tests/accounts/sso_provider.py as a separate server process on a free port.

It is configured, not written: authorization code flow with PKCE required, RS256 ID tokens
signed with a key the test generates, discovery, JWKS and userinfo from the toolkit. The only
code of its own is the claims it adds (validator.py) and a command that seeds its client and
users (management/commands/provider_seed.py)."""
