"""The claims the test provider adds to its ID tokens and userinfo answers."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# Like a real provider's conditional second factor: members of this group sign in with a
# password and a one-time code, and the ID token says so (amr, acr).
MFA_GROUP = "provider-mfa"


class GroupsValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "groups": "openid",
        "amr": "openid",
        "acr": "openid",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        groups = sorted(user.groups.values_list("name", flat=True))
        mfa = MFA_GROUP in groups
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "groups": [group for group in groups if group != MFA_GROUP],
            "amr": ["pwd", "otp"] if mfa else ["pwd"],
            "acr": "urn:test:loa:2" if mfa else "urn:test:loa:1",
        }
