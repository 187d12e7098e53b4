"""Is this the same person? Scoring of two person records, Dutch names in mind.

The score is a Fellegi–Sunter match weight: every field comparison lands on a *level* (exact,
a typo, close, different, unknown) and each level adds a weight, in bits (log2 of how much
likelier that level is for the same person than for two different people). The sum plus a
prior (`PRIOR_WEIGHT`: two records that share a blocking key are rarely the same person) is
turned into a score between 0 and 1 with the logistic function, so a score reads as "how sure".
A field that is unknown on either side adds nothing: missing data neither helps nor hurts.

The string similarities come from rapidfuzz (Jaro–Winkler and the optimal-string-alignment
edit distance); this module only normalises the names and decides the levels.

Bands (see `MATCH_THRESHOLD` and `POSSIBLE_THRESHOLD`):
- "match": link automatically. Needs agreeing names *and* an agreeing birth date (or a known
  address to back a near birth date): exact first name + exact surname + exact birth date
  reaches it even after a move.
- "possible": a person must look (the review queue). Twins at one address, a birth date typo
  without the address to confirm it, a missing birth date, typos in both names, a conflicting
  gender.
- "no match": everything else.
An equal BSN is a match outright; two different BSNs rule a match out whatever the names say.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from rapidfuzz.distance import OSA, JaroWinkler

# Score bands. A score is 1 / (1 + 2**-weight); the thresholds in weights: 0.99 ≈ 6.6 bits,
# 0.5 = 0 bits. Chosen on the labelled synthetic set of bench/linking.py (bench/RESULTS.md,
# "Linking"): at 0.99 about 1 automatic link in 1,000 is wrong and 91% of the duplicates link
# automatically, 99% with the review queue. 0.98 would link 97% automatically at a slightly
# higher error rate; a wrong link mixes two people's files, so the stricter one it is.
MATCH_THRESHOLD = 0.99
POSSIBLE_THRESHOLD = 0.5

# The prior, in bits: two records that share a blocking key (a birth date, a surname and a
# near birth date, an address) are the same person roughly once in a thousand.
PRIOR_WEIGHT = -10.0

# Weights per comparison level, in bits. A different first name weighs heavily because twins
# and siblings share everything else (surname, birth date or address).
FIRST_NAME_WEIGHTS = {
    "exact": 5.0,
    "typo": 3.5,  # one edit: a letter wrong, missing, extra or two letters swapped
    "subset": 3.5,  # "Anna" and "Anna Maria"
    "close": 1.0,  # Jaro–Winkler ≥ CLOSE, more than one edit apart
    "initials": 1.5,  # "A.M." and "Anna Maria"
    # Jaro–Winkler ≥ SIMILAR but more than one edit apart: "Sandra" and "Sara", "Wilma" and
    # "Wim" are different names far more often than a double typo.
    "similar": -5.0,
    "different": -7.0,
}
SURNAME_WEIGHTS = {
    "exact": 6.0,
    "exact_core": 5.0,  # same surname, tussenvoegsel missing on one side or different
    "typo": 4.0,
    "close": 2.0,
    "similar": 0.0,
    "different": -6.0,
}
# An equal BSN decides, and so do two different ones; the weight only orders the reasons.
BSN_WEIGHT = 50.0
# Applied once when the names only agree with first and last name swapped.
SWAPPED_NAMES_WEIGHT = -1.0
BIRTH_DATE_WEIGHTS = {
    "exact": 9.0,
    "day_month_swapped": 5.0,
    "typo": 4.0,  # one digit wrong or two adjacent digits swapped in yyyymmdd
    "year_off": 4.0,  # year off by 1 or 10 (1999 for 2000)
    "different": -8.0,
}
ADDRESS_WEIGHTS = {
    "same_address": 5.0,
    "same_postcode": 2.5,
    "different": -0.5,  # people move; a different address says little
}
# Gender is recorded reliably; a conflict is what tells twins "Mila" and "Milan" apart.
GENDER_DIFFERS_WEIGHT = -8.0

CLOSE = 0.92
SIMILAR = 0.85

# Tussenvoegsels and their parts. A surname's leading tokens from this set are its particles
# ("van der Berg", "Berg, van der", "v.d. Berg"); the rest is its core.
PARTICLES = frozenset(
    {
        "van", "de", "der", "den", "het", "t", "ter", "ten", "te", "in", "op", "aan", "bij",
        "uit", "onder", "voor", "vd", "v", "d", "vander", "vanden", "vande", "la", "le", "du",
    }
)  # fmt: skip
# Particles glued to the surname ("Vandenberg", "Terhorst", "Intveld"), longest first, split
# off when at least `_MIN_GLUED_REST` letters remain. A plain surname that merely starts with
# one ("Dekker" → "kker") loses it too; harmless, because both sides of every comparison and
# search are cut the same way, and the full glued form is compared as well.
_GLUED = ("vanden", "vander", "vande", "vant", "van", "vd", "int", "ter", "ten", "den", "der", "de")
_MIN_GLUED_REST = 3
# Multi-part tussenvoegsels that "v.d." abbreviates (compared without spaces).
_VD_FORMS = frozenset({"vd", "vander", "vanden", "vande"})

_APOSTROPHES = re.compile(r"['’`´‘]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")


class Band(StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"
    NO_MATCH = "no_match"


def normalise(text: str) -> str:
    """Lowercase, without diacritics, apostrophes or punctuation: 'Ünal-d’Ancona' → 'unal dancona'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = _APOSTROPHES.sub("", plain).replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    return _NOT_ALNUM.sub(" ", plain).strip()


def split_surname(prefix: str, surname: str) -> tuple[str, str]:
    """The tussenvoegsel and the core of a surname, however written, both normalised.

    'van der', 'Berg' / '', 'van der Berg' / '', 'Berg, van der' / 'vd', 'Berg' → ('van der'
    or 'vd', 'berg'); a particle glued on ('Vanderberg') is split off the core as well.
    """
    if "," in surname:
        # "Berg, van der": the register's sorted form puts the particles after a comma.
        head, _, tail = surname.partition(",")
        surname, prefix = head, f"{prefix} {tail}"
    tokens = normalise(f"{prefix} {surname}").split()
    particles: list[str] = []
    while len(tokens) > 1 and tokens[0] in PARTICLES:
        particles.append(tokens.pop(0))
    core = "".join(tokens)
    for glued in _GLUED:
        if core.startswith(glued) and len(core) - len(glued) >= _MIN_GLUED_REST:
            particles.append(glued)
            core = core[len(glued) :]
            break
    return " ".join(particles), core


def sound_key(core: str) -> str:
    """A spelling-tolerant key for blocking and search: 'ij' as 'y', 'ck' as 'k', 'ph' as
    'f', 'x' as 'ks', 'dt' as 't' and doubled letters once ('Janssen', 'Jansen' → 'jansen';
    'Meijer', 'Meyer' → 'meyer')."""
    key = core.replace("ij", "y").replace("ck", "k").replace("ph", "f").replace("x", "ks")
    key = key.replace("dt", "t")
    return _REPEATS.sub(r"\1", key)


def surname_key(prefix: str, surname: str) -> str:
    """The surname's blocking key: its core, without tussenvoegsel, in `sound_key` spelling.

    'van den Berg', 'Berg, van den', 'Vd Berg', 'Vandenberg' and 'Berg' all give 'berg'.
    """
    return sound_key(split_surname(prefix, surname)[1])[:100]


def name_term_key(term: str) -> str:
    """The key of one typed search term, comparable with the start of `surname_key`."""
    return sound_key(normalise(term).replace(" ", ""))


def is_particle(term: str) -> bool:
    return normalise(term) in PARTICLES


def _particles_agree(a: str, b: str) -> bool:
    """'van den' and 'vanden', 'in t' and 'int' agree; 'v.d.' agrees with 'van der' and 'van den'."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return a == b or ("vd" in (a, b) and a in _VD_FORMS and b in _VD_FORMS)


@dataclass(frozen=True)
class PersonRecord:
    """What matching knows about one person. `bsn_hash` is the keyed hash, never the BSN;
    `address_ids` and `postcodes` are where the person is known to live or have been seen."""

    first_names: str
    surname: str
    surname_prefix: str = ""
    birth_date: date | None = None
    gender: str = "x"
    bsn_hash: str = ""
    address_ids: frozenset[int] = field(default_factory=frozenset)
    postcodes: frozenset[str] = field(default_factory=frozenset)

    # The normalised forms, computed once per record (a record meets many candidates).

    @cached_property
    def first_tokens(self) -> tuple[str, ...]:
        return tuple(normalise(self.first_names).split())

    @cached_property
    def first_joined(self) -> str:
        return " ".join(self.first_tokens)

    @cached_property
    def first_token_set(self) -> frozenset[str]:
        return frozenset(self.first_tokens)

    @cached_property
    def initials_only(self) -> bool:
        return all(len(t) == 1 for t in self.first_tokens)

    @cached_property
    def surname_parts(self) -> tuple[str, str]:
        return split_surname(self.surname_prefix, self.surname)

    @cached_property
    def surname_sound(self) -> str:
        return sound_key(self.surname_parts[1])

    @cached_property
    def surname_glued(self) -> str:
        particles, core = self.surname_parts
        return particles.replace(" ", "") + core

    @cached_property
    def swapped(self) -> PersonRecord:
        """The same record with first names and surname (with its tussenvoegsel) swapped."""
        surname = " ".join(p for p in (self.surname_prefix, self.surname) if p)
        return PersonRecord(
            first_names=surname,
            surname=self.first_names,
            birth_date=self.birth_date,
            gender=self.gender,
            bsn_hash=self.bsn_hash,
            address_ids=self.address_ids,
            postcodes=self.postcodes,
        )


@dataclass(frozen=True)
class Reason:
    """One field's contribution: its level, the similarity that decided it, its weight."""

    field: str
    level: str
    weight: float
    similarity: float | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"field": self.field, "level": self.level, "weight": self.weight}
        if self.similarity is not None:
            data["similarity"] = round(self.similarity, 3)
        return data


@dataclass(frozen=True)
class Comparison:
    score: float
    band: Band
    weight: float
    reasons: tuple[Reason, ...]

    def reasons_json(self) -> list[dict[str, object]]:
        return [r.as_dict() for r in self.reasons]


def _typo(a: str, b: str) -> bool:
    """One edit apart: a letter wrong, missing or extra, or two neighbours swapped."""
    return min(len(a), len(b)) >= 3 and abs(len(a) - len(b)) <= 1 and OSA.distance(a, b, score_cutoff=1) <= 1


def compare_first_names(a: PersonRecord, b: PersonRecord) -> Reason | None:
    fa, fb = a.first_tokens, b.first_tokens
    if not fa or not fb:
        return None
    if a.initials_only or b.initials_only:
        initials_a, initials_b = "".join(t[0] for t in fa), "".join(t[0] for t in fb)
        agree = initials_a.startswith(initials_b) or initials_b.startswith(initials_a)
        level = "initials" if agree else "different"
        return Reason("first_names", level, FIRST_NAME_WEIGHTS[level])
    joined_a, joined_b = a.first_joined, b.first_joined
    # The first given names decide; long joined strings look alike too easily.
    similarity = JaroWinkler.normalized_similarity(fa[0], fb[0])
    if joined_a == joined_b:
        level = "exact"
    elif fa[0] == fb[0] or a.first_token_set <= b.first_token_set or b.first_token_set <= a.first_token_set:
        level = "subset"
    elif _typo(joined_a, joined_b) or _typo(fa[0], fb[0]):
        level = "typo"
    elif similarity >= CLOSE:
        level = "close"
    elif similarity >= SIMILAR:
        level = "similar"
    else:
        level = "different"
    return Reason("first_names", level, FIRST_NAME_WEIGHTS[level], similarity)


def compare_surnames(a: PersonRecord, b: PersonRecord) -> Reason | None:
    (pa, ca), (pb, cb) = a.surname_parts, b.surname_parts
    if not ca or not cb:
        return None
    if ca == cb:
        level = "exact" if _particles_agree(pa, pb) else "exact_core"
        return Reason("surname", level, SURNAME_WEIGHTS[level], 1.0)
    similarity = max(
        JaroWinkler.normalized_similarity(ca, cb),
        JaroWinkler.normalized_similarity(a.surname_glued, b.surname_glued),
    )
    if a.surname_sound == b.surname_sound or _typo(ca, cb) or _typo(a.surname_glued, b.surname_glued):
        level = "typo"
    elif similarity >= CLOSE:
        level = "close"
    elif similarity >= SIMILAR:
        level = "similar"
    else:
        level = "different"
    return Reason("surname", level, SURNAME_WEIGHTS[level], similarity)


def _date_digits(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def compare_birth_dates(a: date | None, b: date | None) -> Reason | None:
    if a is None or b is None:
        return None
    if a == b:
        level = "exact"
    elif a.year == b.year and a.month == b.day and a.day == b.month:
        level = "day_month_swapped"
    elif OSA.distance(_date_digits(a), _date_digits(b), score_cutoff=1) <= 1:
        level = "typo"
    elif (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) in (1, 10):
        level = "year_off"
    else:
        level = "different"
    return Reason("birth_date", level, BIRTH_DATE_WEIGHTS[level])


def birth_date_variants(value: date, *, today: date | None = None) -> set[date]:
    """Every date that `compare_birth_dates` would call a near miss of `value` (typo, swapped
    day and month, year off by 1 or 10), not after `today`: the blocking set for a surname."""
    limit = today or date.today()
    digits = _date_digits(value)
    texts = {
        digits[:i] + d + digits[i + 1 :] for i in range(len(digits)) for d in "0123456789" if d != digits[i]
    }
    texts |= {digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :] for i in range(len(digits) - 1)}
    texts.add(f"{value.year:04d}{value.day:02d}{value.month:02d}")
    for years in (-10, -1, 1, 10):
        texts.add(f"{value.year + years:04d}{value.month:02d}{value.day:02d}")
    variants = set()
    for text in texts:
        try:
            candidate = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        if candidate != value and date(1880, 1, 1) <= candidate <= limit + timedelta(days=1):
            variants.add(candidate)
    return variants


def compare_addresses(a: PersonRecord, b: PersonRecord) -> Reason | None:
    if not (a.address_ids or a.postcodes) or not (b.address_ids or b.postcodes):
        return None
    if a.address_ids & b.address_ids:
        level = "same_address"
    elif a.postcodes & b.postcodes:
        level = "same_postcode"
    else:
        level = "different"
    return Reason("address", level, ADDRESS_WEIGHTS[level])


def _may_be_swapped(a: PersonRecord, b: PersonRecord) -> bool:
    """A cheap test before the full comparison of swapped names: does a first name of one
    look like the surname of the other?"""
    if not a.first_tokens or not b.first_tokens:
        return False
    return (
        JaroWinkler.normalized_similarity(a.first_tokens[0], b.surname_parts[1]) >= SIMILAR
        or JaroWinkler.normalized_similarity(b.first_tokens[0], a.surname_parts[1]) >= SIMILAR
        or a.first_tokens[0] in b.surname_glued
        or b.first_tokens[0] in a.surname_glued
    )


def _names(a: PersonRecord, b: PersonRecord) -> list[Reason]:
    straight = [r for r in (compare_first_names(a, b), compare_surnames(a, b)) if r is not None]
    straight_weight = sum(r.weight for r in straight)
    if straight_weight >= FIRST_NAME_WEIGHTS["exact"] + SURNAME_WEIGHTS["exact_core"]:
        return straight
    if not _may_be_swapped(a, b):
        return straight
    best, best_weight = straight, straight_weight
    # Swap either side: a swapped record's "surname" holds all its first names, so swapping
    # the side with one first name compares best.
    for x, y in ((a.swapped, b), (a, b.swapped)):
        swapped = [r for r in (compare_first_names(x, y), compare_surnames(x, y)) if r is not None]
        weight = sum(r.weight for r in swapped) + SWAPPED_NAMES_WEIGHT
        if len(swapped) == 2 and weight > best_weight:
            best, best_weight = [*swapped, Reason("names", "swapped", SWAPPED_NAMES_WEIGHT)], weight
    return best


def score_of(weight: float) -> float:
    """The match weight (bits) as a score between 0 and 1."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def band_of(score: float) -> Band:
    if score >= MATCH_THRESHOLD:
        return Band.MATCH
    if score >= POSSIBLE_THRESHOLD:
        return Band.POSSIBLE
    return Band.NO_MATCH


def compare(a: PersonRecord, b: PersonRecord) -> Comparison:
    """How sure we are that `a` and `b` are the same person, with the reasons.

    Same BSN (hash): score 1, "match", whatever else differs. Both have a BSN and they
    differ: score 0, "no match". Otherwise the sum of the field weights (see the module).
    """
    if a.bsn_hash and b.bsn_hash:
        if a.bsn_hash == b.bsn_hash:
            return Comparison(1.0, Band.MATCH, BSN_WEIGHT, (Reason("bsn", "same", BSN_WEIGHT),))
        return Comparison(0.0, Band.NO_MATCH, -BSN_WEIGHT, (Reason("bsn", "different", -BSN_WEIGHT),))
    reasons = _names(a, b)
    for reason in (compare_birth_dates(a.birth_date, b.birth_date), compare_addresses(a, b)):
        if reason is not None:
            reasons.append(reason)
    if a.gender in ("f", "m") and b.gender in ("f", "m") and a.gender != b.gender:
        reasons.append(Reason("gender", "different", GENDER_DIFFERS_WEIGHT))
    weight = PRIOR_WEIGHT + sum(r.weight for r in reasons)
    score = score_of(weight)
    return Comparison(score, band_of(score), weight, tuple(reasons))
