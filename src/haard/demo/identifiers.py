"""Identifiers for synthetic people and demo accounts: test BSNs, postcode letter pairs and
the second-factor secrets of the demo accounts.

BSN block: only numbers from 999990000 to 999999999 are used. This block is set aside for test
persons (the BRP test environment of RvIG) and is never issued to a real person, so a demo
record can never carry the BSN of a living resident. Of its 10,000 numbers only those that
pass the 11-check are usable: 909 of them. A demo region with more people than that gives the
rest no BSN, which is also realistic (not everyone known to Veilig Thuis has a known BSN).
"""

from __future__ import annotations

import hashlib
import random
import string

from stdnum.nl import bsn as stdnum_bsn

TEST_BSN_FIRST = 999_990_000
TEST_BSN_LAST = 999_999_999

# stdnum (and PostNL) never use these letter pairs in a postcode.
FORBIDDEN_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})

# Backup codes avoid characters people confuse when they type them from paper.
_BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 8
BACKUP_CODE_COUNT = 5


def available_test_bsns() -> list[str]:
    """Every number in the test block that passes the 11-check, in ascending order."""
    return [
        str(number) for number in range(TEST_BSN_FIRST, TEST_BSN_LAST + 1) if stdnum_bsn.is_valid(str(number))
    ]


def is_test_bsn(value: str) -> bool:
    """True when `value` is a valid BSN inside the test block."""
    return value.isdigit() and TEST_BSN_FIRST <= int(value) <= TEST_BSN_LAST and stdnum_bsn.is_valid(value)


def postcode_letter_pairs() -> list[str]:
    """All two-letter postcode suffixes a real postcode may have, in alphabetical order."""
    letters = string.ascii_uppercase
    return [
        first + second
        for first in letters
        for second in letters
        if first + second not in FORBIDDEN_POSTCODE_LETTERS
    ]


def totp_key_hex(*, seed: int, username: str) -> str:
    """The demo account's authenticator secret: 40 hex characters (20 bytes), fixed by seed
    and username so a demo can be set up again with the same authenticator entries."""
    return hashlib.sha256(f"haard-demo-totp:{seed}:{username}".encode()).hexdigest()[:40]


def backup_codes(*, seed: int, username: str) -> list[str]:
    """The demo account's single-use backup codes, fixed by seed and username."""
    rng = random.Random(f"haard-demo-backup:{seed}:{username}")
    return [
        "".join(rng.choice(_BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]
