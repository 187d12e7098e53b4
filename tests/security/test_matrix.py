"""The authorisation matrix: every role, in every position towards the walk's world, against
every page and API operation of the URL walk (tests/security/test_url_walk.py and each app's
tests/<app>/url_policy.py), with the outcome the policy below declares.

Positions towards the world's case and person (`world.case`, `world.person`):
  own                a member of the team that owns the case, and a participant in it
  other_case         a member of another team of the same organisation, in another case
  other_org          a team of another organisation serving the same municipality
  veilig_thuis       a team of the region's Veilig Thuis, with no relation to the case
  other_municipality a team of an organisation serving another municipality
and two users without a role: one with no membership at all, and anonymous (the walk).

The outcome of a cell is ALLOWED or FORBIDDEN:
  FORBIDDEN, detail  403 or 404 (or a redirect away), nothing of the world in the answer
  FORBIDDEN, list    the answer holds nothing of the world: not the person's surname, not the
                     case reference; nobody is logged as shown to the user
  ALLOWED            a successful answer; whatever it shows of the person is logged
Every cell: no server error, and a person shown is a person logged (shown => logged).

The declared policy is `THROUGH_RELATION` (what a role opens in the `own` position) and
`REGION_WIDE` (what a role opens without a relation, in any position, and why). A page or
operation matched by neither is FORBIDDEN for every role in every position, except that the
`own` cells of the role of its walk row's allowed user are checked as "shown => logged" only:
an app may grant them through a relation this module does not know. A new URL needs a walk
row (test_url_walk fails without one) and is in this matrix from then on.

The search bug class ("search and filter endpoints ignore the access rules"): every list and
search endpoint is asked, by every user who has no reach to them, for a person in a case of
another team (`test_search_finds_nobody_out_of_reach`), with the search and filter parameters
the endpoints use, and must return nothing of that person.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any

import pytest
from django.test import Client

from haard.accounts.models import Membership, OrganisationType, Role
from haard.audit.models import AccessLogEntry
from haard.cases.models import CaseParticipant
from tests.conftest import sign_in
from tests.factories import MunicipalityFactory, OrganisationFactory, TeamFactory, make_case, make_user
from tests.security.policy import Spec, World
from tests.security.test_url_walk import API, PAGES

pytestmark = pytest.mark.django_db

ROLES = [
    "intake_worker",
    "safety_assessor",
    "case_manager",
    "professional",
    "police_officer",
    "mayors_office",
    "shelter_coordinator",
    "policy_officer",
    "privacy_officer",
    "administrator",
]
POSITIONS = ["own", "other_case", "other_org", "veilig_thuis", "other_municipality"]
NO_ROLE = ("no_role", "none")

# What a role opens in the `own` position: through its membership of the owning team and its
# participation in the case. Patterns match page names ("cases:*") and API operations
# ("GET /api/v1/cases/*").
_CASE_PAGES = (
    # view_cases and manage_cases: the case, its plan, goals, participants, follow-up, print.
    "cases:*",
    "* /api/v1/cases/*",
    "registry:person_detail",
    "GET /api/v1/people/{person_id}",
)
THROUGH_RELATION: dict[str, tuple[str, ...]] = {
    "case_manager": _CASE_PAGES,
    "safety_assessor": _CASE_PAGES,
}

# What a role opens without any relation to the case, in every position, and why.
_PEOPLE_SEARCH = (
    # search_people: intake and assessment must find anyone in the region to link a report.
    "registry:person_search",
    "registry:person_suggest",
    "registry:person_detail",
    "registry:match_queue",
    "registry:match_review",
    "registry:merge_detail",
    "intake:history",
    "GET /api/v1/people/",
    "POST /api/v1/people/search",
    "GET /api/v1/people/suggest",
    "GET /api/v1/people/{person_id}",
    "POST /api/v1/reports/",
    "registry:address_suggest",
)
# Veilig Thuis intake and assessment see every report and police incident in the region.
_VEILIG_THUIS_REPORTS = (
    "intake:report_list",
    "intake:report_detail",
    "intake:attachment_download",
    "triage:report_clock",  # the report page shows its assessment clock
    "GET /api/v1/reports/*",
    "insight:*",
    "GET /api/v1/insight/*",
    "police_import:error_report",
    "work:*",  # their work list: tasks about the reports they see
    # and the meldcode records that became a report, to give the reporting professional feedback
    "meldcode:record_detail",
    "meldcode:feedback_*",
    "GET /api/v1/meldcode/*",
)
# The privacy officer reviews who saw whom, for anyone in the region.
_ACCESS_LOG = ("audit:*", "registry:person_access_report")
# The privacy officer answers requests of data subjects (access, erasure) and decides on the
# destruction of records, for anyone in the region (haard.retention).
_RETENTION = ("retention:*",)
# Veilig Thuis safety assessors assess every report of the region.
_VEILIG_THUIS_ASSESSMENT = ("triage:*", "* /api/v1/assessments/*")
REGION_WIDE: dict[str, dict[str, tuple[str, ...]]] = {
    "intake_worker": {"*": _PEOPLE_SEARCH, "veilig_thuis": _VEILIG_THUIS_REPORTS},
    "safety_assessor": {
        "*": _PEOPLE_SEARCH,
        "veilig_thuis": _VEILIG_THUIS_REPORTS + _VEILIG_THUIS_ASSESSMENT,
    },
    "privacy_officer": {"*": _ACCESS_LOG + _RETENTION},
}

ALLOWED, FORBIDDEN, OBSERVED = "allowed", "forbidden", "observed"
FULL = os.environ.get("HAARD_FULL_MATRIX") == "1"
# The pages and operations are shared among this many tests, each with one world, so that
# two test workers split them.
CHUNKS = 4


@dataclass
class Cell:
    role: str
    position: str
    user: Any
    signed_in: Client | None = None

    def client(self) -> Client:
        if self.signed_in is None:
            self.signed_in = sign_in(Client(), self.user)
        return self.signed_in


def _spec_keys() -> list[tuple[str, Spec, str | None]]:
    """(key, spec, method) for every page ("ns:name") and API operation ("GET /api/...")."""
    keys: list[tuple[str, Spec, str | None]] = [(name, spec, None) for name, spec in PAGES.items()]
    keys += [(f"{method} {path}", spec, method) for (method, path), spec in API.items()]
    return sorted(keys, key=lambda item: item[0])


SPECS = _spec_keys()
SPEC_BY_KEY = {key: (spec, method) for key, spec, method in SPECS}


def _matches(key: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(key, pattern) for pattern in patterns)


def expected(key: str, role: str, position: str, allowed_role: str | None) -> str:
    """The declared outcome of one cell."""
    if role == "no_role":
        return FORBIDDEN
    reach = REGION_WIDE.get(role, {})
    if _matches(key, reach.get("*", ())) or _matches(key, reach.get(position, ())):
        return ALLOWED
    if position == "own":
        if _matches(key, THROUGH_RELATION.get(role, ())):
            return ALLOWED
        if role == allowed_role and not _is_declared(key):
            return OBSERVED
    return FORBIDDEN


def _is_declared(key: str) -> bool:
    tables = [*THROUGH_RELATION.values()]
    for reach in REGION_WIDE.values():
        tables.extend(reach.values())
    return any(_matches(key, patterns) for patterns in tables)


def _role_of(user: Any) -> str | None:
    membership = user.memberships.select_related("role").first()
    return membership.role.key if membership else None


@pytest.fixture
def cells(world: World) -> list[Cell]:
    """A user per role and position, plus one without any role."""
    case = world.case
    municipality = case.municipality
    own_team = case.owning_team
    colleague_team = TeamFactory(organisation=own_team.organisation)
    other_case = make_case(team=colleague_team, people=2, reference="T-HIDDEN")
    world.extra["matrix_hidden_case"] = other_case
    world.extra["matrix_hidden_person"] = other_case.members.first().person

    other_org = OrganisationFactory()
    other_org.municipalities.add(municipality)
    veilig_thuis = OrganisationFactory(type=OrganisationType.VEILIG_THUIS)
    veilig_thuis.municipalities.add(municipality)
    far_org = OrganisationFactory()
    far_org.municipalities.add(MunicipalityFactory())
    teams = {
        "own": own_team,
        "other_case": colleague_team,
        "other_org": TeamFactory(organisation=other_org),
        "veilig_thuis": TeamFactory(organisation=veilig_thuis),
        "other_municipality": TeamFactory(organisation=far_org),
    }
    roles = {role.key: role for role in Role.objects.all()}
    result = []
    for role_key in ROLES:
        for position in POSITIONS:
            user = make_user(None, username=f"m-{role_key}-{position}")
            Membership.objects.create(user=user, team=teams[position], role=roles[role_key])
            if position in ("own", "other_case"):
                target = case if position == "own" else other_case
                CaseParticipant.objects.create(
                    case=target, user=user, organisation=teams[position].organisation
                )
            result.append(Cell(role_key, position, user))
    result.append(Cell("no_role", "none", make_user(None, username="m-no-role")))
    return result


def _markers(person: Any, case: Any) -> list[re.Pattern[str]]:
    # The first names, not the surname: search forms echo the surname the user typed.
    return [
        re.compile(rf"\b{re.escape(person.first_names)}\b"),
        re.compile(rf"\b{re.escape(case.reference)}\b"),
    ]


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return str(response.content.decode(errors="replace"))


def _request(client: Client, method: str | None, spec: Spec, world: World, url: str) -> Any:
    if method is None:
        return client.get(url)
    body = (
        spec.body(world)
        if spec.body
        else (json.dumps({"name": world.person.surname}) if method == "POST" else "")
    )
    return client.generic(method, url, body, content_type="application/json")


def _last_entry() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _logged(user: Any, person: Any, after: int) -> bool:
    """Whether a request after entry `after` logged `person` as shown to `user`."""
    return AccessLogEntry.objects.filter(user=user, id__gt=after, subjects__person_id=person.pk).exists()


def _check_cell(
    key: str, spec: Spec, method: str | None, cell: Cell, world: World, allowed_role: str | None
) -> str | None:
    """The problem with one cell, or None."""
    outcome = expected(key, cell.role, cell.position, allowed_role)
    url = spec.url(world)
    after = _last_entry()
    response = _request(cell.client(), method, spec, world, url)
    status = response.status_code
    where = f"{key} as {cell.role}/{cell.position}: {status}"
    if status >= 500:
        return f"{where}: server error"
    text = _text(response)
    shown = any(marker.search(text) for marker in _markers(world.person, world.case))
    logged = _logged(cell.user, world.person, after)
    if outcome == FORBIDDEN:
        # A write may also refuse with 422: the people it names are unknown to this user.
        refusals = (302, 403, 404) if method in (None, "GET") else (302, 400, 403, 404, 422)
        if spec.kind == "detail" and status not in refusals:
            return f"{where}: expected a refusal"
        if shown:
            return f"{where}: shows the world's person or case"
        if logged:
            return f"{where}: logs the world's person as shown"
        return None
    # A write may find its work already done by an earlier cell in the same world (the
    # participant left, the status changed): 404/422 there is the service, not access control.
    writes = method not in (None, "GET") or key.endswith("_leave")
    if outcome == ALLOWED and status not in (200, 201, 204) and not (writes and status in (404, 422)):
        return f"{where}: expected to be allowed"
    if shown and status == 200 and not logged:
        shows = spec.shows(world) if spec.shows else world.person
        if shows is not None:
            return f"{where}: shows the person without logging it"
    return None


def _sampled(cells: list[Cell], index: int) -> list[Cell]:
    """The cells asked for the `index`-th page or operation.

    Every role in the `own` position and the user without a role always; of the four
    positions without a relation, one per role, rotating with the page and the role, so that
    every (role, position) pair is asked across the pages while each page costs 21 requests
    instead of 51. HAARD_FULL_MATRIX=1 asks every cell."""
    if FULL:
        return cells
    outside = POSITIONS[1:]
    chosen = []
    for number, role in enumerate(ROLES):
        chosen.append((role, "own"))
        chosen.append((role, outside[(index + number) % len(outside)]))
    wanted = set(chosen) | {NO_ROLE}
    return [cell for cell in cells if (cell.role, cell.position) in wanted]


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_matrix(chunk: int, world: World, cells: list[Cell]) -> None:
    problems = []
    for index in range(chunk, len(SPECS), CHUNKS):
        key, spec, method = SPECS[index]
        allowed_role = _role_of(spec.allowed(world))
        for cell in _sampled(cells, index):
            problem = _check_cell(key, spec, method, cell, world, allowed_role)
            if problem is not None:
                problems.append(problem)
    assert not problems, "\n".join(problems)


# Search and filter parameters the list and search endpoints read.
_SEARCH_PARAMETERS = ("q", "name", "surname", "search", "person", "person_id")


def _is_search(key: str, spec: Spec) -> bool:
    return spec.kind == "list" or any(word in key for word in ("search", "suggest", "history"))


SEARCH_SPECS = [key for key, spec, _method in SPECS if _is_search(key, spec)]


def _retarget(url: str, world: World, hidden: Any) -> str:
    """The spec's URL, asking for the hidden person instead of the world's person."""
    url = url.replace(world.person.surname, hidden.surname)
    url = re.sub(rf"(?<=[=/]){world.person.pk}(?=$|[&/?])", str(hidden.pk), url)
    joiner = "&" if "?" in url else "?"
    extra = "&".join(
        f"{name}={hidden.pk if name.startswith('person') else hidden.surname}" for name in _SEARCH_PARAMETERS
    )
    return f"{url}{joiner}{extra}"


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_search_finds_nobody_out_of_reach(chunk: int, world: World, cells: list[Cell]) -> None:
    problems: list[str] = []
    for index in range(chunk, len(SEARCH_SPECS), CHUNKS):
        problems += _search_problems(SEARCH_SPECS[index], world, _sampled(cells, index))
    assert not problems, "\n".join(problems)


def _search_problems(key: str, world: World, cells: list[Cell]) -> list[str]:
    spec, method = SPEC_BY_KEY[key]
    hidden = world.extra["matrix_hidden_person"]
    hidden_case = world.extra["matrix_hidden_case"]
    url = _retarget(spec.url(world), world, hidden)
    problems = []
    for cell in cells:
        if cell.position == "other_case" or expected(key, cell.role, "other_municipality", None) == ALLOWED:
            continue  # related to the hidden case, or reaches the whole region by policy
        client = cell.client()
        after = _last_entry()
        if method == "POST":
            response = client.post(url, json.dumps({"name": hidden.surname}), content_type="application/json")
        else:
            response = client.get(url)
        where = f"{key} as {cell.role}/{cell.position}"
        if response.status_code >= 500:
            problems.append(f"{where}: server error")
            continue
        if any(marker.search(_text(response)) for marker in _markers(hidden, hidden_case)):
            problems.append(f"{where}: finds a person out of reach")
        if _logged(cell.user, hidden, after):
            problems.append(f"{where}: logs a person out of reach as shown")
    return problems


def test_every_role_is_in_the_matrix() -> None:
    assert set(ROLES) == set(Role.objects.values_list("key", flat=True))
