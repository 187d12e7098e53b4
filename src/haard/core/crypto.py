"""Protection for the few fields that identify a person outright (the BSN): encrypted at rest,
and found only through a keyed hash so that the database alone reveals nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
    return Fernet(key)


def encrypt(value: str) -> str:
    return _fernet(settings.HAARD_FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.HAARD_FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The stored value cannot be decrypted with the configured key.") from exc


def keyed_hash(value: str, *, purpose: str) -> str:
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.HAARD_BSN_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()
