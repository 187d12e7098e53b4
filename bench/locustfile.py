"""Locust scenarios of haard's daily work, run by `bench/load.py` (which prepares the database,
the accounts and the fixture file named in HAARD_LOAD_FIXTURE, and starts the server).

Each Locust user signs in once with its own account (password, then a code from its own
authenticator) and then repeats its work. One piece of work is two or three requests in a row
(e.g. open the form, send it, see the report); between two pieces a user waits 3 to 7 seconds
(HAARD_LOAD_WAIT="3,7", set by load.py --wait). That is far busier than people are (a report
takes minutes to take), so 50 such users stand for many more real ones:

- intake worker, form: opens the report form, sends it (a report with two or three people,
  now and then at a known address), opens the report it made;
- intake system, API: sends a report to POST /api/v1/reports/ with its token and reads it back;
- safety assessor: the list of open assessments, one of them, and saves answers to it (the
  assessment stays open: nothing is finished, so the data stays the same shape);
- case manager: the case list, a case page and its safety plan;
- address view (Veilig Thuis): the address list of a municipality and one address's timeline;
- policy officer (no second factor): the area scan of a municipality.

The measured period starts once every user has signed in, the sign-ins' backlog has cleared
(HAARD_LOAD_SETTLE seconds later; it and HAARD_LOAD_MEASURE, the seconds to measure, are set
by load.py from --settle and --run-time) and the background worker has taken in the reports
sent during the ramp-up (no task has waited more than two seconds; the wait is at most
HAARD_LOAD_DRAIN_LIMIT seconds): the statistics of the ramp-up are written to
HAARD_LOAD_RAMP_UP (a JSON file) and reset, and Locust stops when the period is over.
Signing in costs a deliberate Argon2 hash, and fifty of them at once say nothing about the
pages of the day's work. Without HAARD_LOAD_MEASURE the ramp-up is counted (Locust's own
--run-time ends the run). With HAARD_LOAD_REQUESTS_LOG (load.py --requests-log) every
request of the measured period is written to that file, one line each.

Every request carries X-Forwarded-Proto: https, as from the TLS-terminating proxy (see
appserver.py), and forms carry the Origin a browser sends. A request counts as failed when the
answer is not the expected one (a redirect to the sign-in page is a failure, not a success).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import date, datetime, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
import psycopg
from locust import FastHttpUser, between, events, task
from locust.env import Environment

_fixture_path = os.environ.get("HAARD_LOAD_FIXTURE", "")
if not _fixture_path:
    raise SystemExit("Run this through bench/load.py: HAARD_LOAD_FIXTURE names the prepared fixture.")
FIXTURE: dict[str, Any] = json.loads(Path(_fixture_path).read_text())
_WAIT = [float(x) for x in os.environ.get("HAARD_LOAD_WAIT", "3,7").split(",")]
_MEASURE = float(os.environ.get("HAARD_LOAD_MEASURE", "0") or 0)
_RAMP_UP_FILE = os.environ.get("HAARD_LOAD_RAMP_UP", "")
_SETTLE = float(os.environ.get("HAARD_LOAD_SETTLE", "0") or 0)
_DATABASE_URL = os.environ.get("DATABASE_URL", "")
_REQUESTS_LOG = os.environ.get("HAARD_LOAD_REQUESTS_LOG", "")
_DRAIN_LIMIT = float(os.environ.get("HAARD_LOAD_DRAIN_LIMIT", "0") or 0)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_NUMBERS = {kind: itertools.count() for kind in FIXTURE["accounts"]}
_API_NUMBERS = itertools.count()
# The demo's name lists (load.py puts them in the fixture), so that the new people of a run
# spread over the register as real ones do instead of piling up on a handful of names.
FIRST_NAMES: list[str] = FIXTURE["first_names"]
SURNAMES: list[str] = FIXTURE["surnames"]


def totp(key: bytes, *, step: int = 30, digits: int = 6) -> int:
    """The authenticator's code now (RFC 6238 with SHA-1, as django-otp's TOTP devices)."""
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits


def _birth_date(rng: random.Random, *, child: bool) -> date:
    years = rng.randrange(1, 16) if child else rng.randrange(20, 60)
    return date.today() - timedelta(days=365 * years + rng.randrange(365))


class _MeasuredPeriod:
    """Counts the users that have signed in; with the last one, the measured period begins."""

    def __init__(self) -> None:
        self.ready = 0
        self.began = time.monotonic()
        self.measuring = False

    def user_ready(self, environment: Environment) -> None:
        self.ready += 1
        users = environment.parsed_options.num_users if environment.parsed_options else 0
        if _MEASURE and self.ready == users and environment.runner is not None:
            gevent.spawn_later(_SETTLE, self.begin, environment)

    def begin(self, environment: Environment) -> None:
        settled = time.monotonic()
        while _backlog() and time.monotonic() - settled < _DRAIN_LIMIT:
            gevent.sleep(1)
        drained = time.monotonic() - settled
        ramp_up = {
            entry.name: {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "max": entry.max_response_time,
            }
            for entry in environment.stats.entries.values()
        }
        if _RAMP_UP_FILE:
            seconds = round(time.monotonic() - self.began, 1)
            Path(_RAMP_UP_FILE).write_text(
                json.dumps(
                    {
                        "seconds": seconds,
                        "drained": round(drained, 1),
                        "measured_from": time.time(),
                        "operations": ramp_up,
                    }
                )
            )
        environment.stats.reset_all()
        self.measuring = True
        if environment.runner is not None:
            gevent.spawn_later(_MEASURE, environment.runner.quit)


_PERIOD = _MeasuredPeriod()


def _backlog() -> int:
    """Reports of the ramp-up the background worker has not taken in yet: tasks waiting for
    more than two seconds (in the steady state each waits a fraction of a second)."""
    if not _DATABASE_URL:
        return 0
    with psycopg.connect(_DATABASE_URL) as connection:
        row = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE status = 'READY' AND enqueued_at < now() - interval '2 seconds'"
        ).fetchone()
    return int(row[0]) if row else 0


if _REQUESTS_LOG:
    _log = Path(_REQUESTS_LOG).open("a", buffering=1)  # noqa: SIM115 - open for the whole run

    @events.request.add_listener
    def _log_request(name: str, response_time: float, exception: Any = None, **_: Any) -> None:
        """Every request of the measured period: when it ended, what, how long, failed or not."""
        if _PERIOD.measuring:
            _log.write(f"{time.time():.3f},{name},{response_time:.1f},{int(exception is not None)}\n")


class _SecureCookiesOverTheProxy(DefaultCookiePolicy):
    """Secure cookies go back over the loopback connection: the client stands for the
    browser behind the TLS-terminating proxy. (Locust's own workaround for this, marking
    every request https, no longer works with geventhttpclient 2.6.)"""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class HaardUser(FastHttpUser):
    abstract = True
    kind = ""
    wait_time = between(_WAIT[0], _WAIT[1])
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(_SecureCookiesOverTheProxy())
        self.rng = random.Random()  # noqa: S311 - synthetic load, not secrets
        self.origin = {"Origin": (self.host or "").replace("http://", "https://", 1)}
        if self.kind:
            self.sign_in()
        self.prepare()
        _PERIOD.user_ready(self.environment)

    def prepare(self) -> None:
        """What a user sets up after signing in, before its work."""

    def sign_in(self) -> None:
        accounts = FIXTURE["accounts"][self.kind]
        account = accounts[next(_NUMBERS[self.kind]) % len(accounts)]
        form = self.client.get("/accounts/login/", name="sign-in: page")
        data = {"username": account["username"], "password": FIXTURE["password"]}
        with self.post_form("/accounts/login/", form.text, data, "sign-in: password") as answer:
            self.expect(answer, 302)
        if not account["totp_key"]:
            return
        page = self.client.get("/accounts/verify/", name="sign-in: code page")
        code = f"{totp(bytes.fromhex(account['totp_key'])):06d}"
        with self.post_form("/accounts/verify/", page.text, {"token": code}, "sign-in: code") as answer:
            self.expect(answer, 302, not_to="/accounts/")

    def post_form(self, url: str, page: str | None, data: dict[str, Any], name: str) -> Any:
        """POST a form as a browser does: the page's CSRF token and the Origin header."""
        return self.client.post(
            url,
            data=urlencode({"csrfmiddlewaretoken": self.csrf(page), **data}, doseq=True),
            headers={**self.origin, "Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
            name=name,
        )

    @staticmethod
    def csrf(html: str | None) -> str:
        found = _CSRF.search(html or "")
        return found.group(1) if found else ""

    @staticmethod
    def expect(answer: Any, status: int, *, not_to: str = "/accounts/login/") -> bool:
        """Mark the answer failed unless it has `status` (and a redirect does not go to `not_to`)."""
        if answer.status_code != status:
            text = answer.text or ""
            at = text.find('class="errorlist')  # a form shown again: its first error
            detail = text[:200] if answer.status_code == 422 else text[at : at + 300] if at >= 0 else ""
            answer.failure(f"{answer.status_code} instead of {status} {detail}".strip())
            return False
        if status in (301, 302) and not_to in (answer.headers.get("Location") or ""):
            answer.failure(f"redirected to {answer.headers.get('Location')}")
            return False
        return True

    def page(self, url: str, name: str) -> Any:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as answer:
            self.expect(answer, 200)
            return answer


class IntakeWorkerForm(HaardUser):
    """Veilig Thuis intake: the phone line's report form."""

    kind = "intake_form"
    weight = 8

    @task
    def take_report(self) -> None:
        form = self.page("/reports/new/", "intake form: open")
        received = datetime.now() - timedelta(minutes=self.rng.randrange(60, 600))
        data: dict[str, Any] = {
            "kind": "report",
            "source": self.rng.choice(FIXTURE["sources"]),
            "received_at": f"{received:%Y-%m-%dT%H:%M}",
            "violence_types": [str(self.rng.choice(FIXTURE["violence_types"])["pk"])],
            "initial_severity": str(self.rng.randrange(1, 5)),
            "narrative": "Melding via de telefoon: ruzie in huis, buren hoorden geschreeuw.",
            "people-TOTAL_FORMS": "3",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "30",
        }
        if self.rng.random() < 0.5:  # at a known address, else without one
            address = self.rng.choice(FIXTURE["known_addresses"])
            data["municipality"] = str(address["municipality"]["pk"])
            for field in ("postcode", "house_number", "street", "town"):
                data[field] = address[field]
        else:
            data["municipality"] = str(self.rng.choice(FIXTURE["municipalities"])["pk"])
        surname = self.rng.choice(SURNAMES)
        roles = ["victim", "suspect"] + (["child_in_household"] if self.rng.random() < 0.5 else [])
        for index, role in enumerate(roles):
            child = role.startswith("child")
            data.update(
                {
                    f"people-{index}-person": "new",
                    f"people-{index}-role": role,
                    f"people-{index}-first_names": self.rng.choice(FIRST_NAMES),
                    f"people-{index}-surname": surname,
                    f"people-{index}-birth_date": f"{_birth_date(self.rng, child=child):%Y-%m-%d}",
                    f"people-{index}-gender": self.rng.choice("fmx"),
                }
            )
        with self.post_form("/reports/new/", form.text, data, "intake form: submit") as answer:
            if not self.expect(answer, 302):
                return
            location = answer.headers.get("Location") or ""
        self.page(location, "intake: report page")


class IntakeSystemApi(HaardUser):
    """A partner system that sends reports through the API with its token."""

    kind = ""  # a token, no sign-in
    weight = 7

    def prepare(self) -> None:
        tokens = FIXTURE["api_tokens"]
        self.token = tokens[next(_API_NUMBERS) % len(tokens)]

    @task
    def send_report(self) -> None:
        surname = self.rng.choice(SURNAMES)
        body: dict[str, Any] = {
            "kind": "report",
            "source": self.rng.choice(FIXTURE["sources"]),
            "municipality": self.rng.choice(FIXTURE["municipalities"])["code"],
            "violence_types": [self.rng.choice(FIXTURE["violence_types"])["code"]],
            "initial_severity": self.rng.randrange(1, 5),
            "narrative": "Zorgmelding uit het systeem van een ketenpartner.",
            "people": [
                {
                    "role": role,
                    "first_names": self.rng.choice(FIRST_NAMES),
                    "surname": surname,
                    "birth_date": f"{_birth_date(self.rng, child=role.startswith('child')):%Y-%m-%d}",
                    "gender": self.rng.choice("fmx"),
                }
                for role in ["victim", "suspect", "child_witness"][: self.rng.randrange(2, 4)]
            ],
        }
        if self.rng.random() < 0.5:  # at a known address, else without one
            address = self.rng.choice(FIXTURE["known_addresses"])
            body["municipality"] = address["municipality"]["code"]
            body["address"] = {k: address[k] for k in ("postcode", "house_number", "street", "town")}
        auth = {"Authorization": f"Bearer {self.token}"}
        with self.client.post(
            "/api/v1/reports/", json=body, headers=auth, catch_response=True, name="intake API: send report"
        ) as answer:
            if not self.expect(answer, 201):
                return
            report_id = answer.json()["id"]
        with self.client.get(
            f"/api/v1/reports/{report_id}", headers=auth, catch_response=True, name="intake API: read report"
        ) as answer:
            self.expect(answer, 200)


class SafetyAssessor(HaardUser):
    kind = "assessor"
    weight = 10

    def prepare(self) -> None:
        self.instrument: dict[str, list[str]] = FIXTURE["instrument"]

    @task
    def assess(self) -> None:
        self.page("/assessments/?show=open", "assessment: open list")
        pk = self.rng.choice(FIXTURE["open_assessments"])
        page = self.page(f"/assessments/{pk}/", "assessment: open one")
        data: dict[str, Any] = {
            "notes": "Gesprek met moeder gevoerd; kinderen veilig bij oma.",
            "action": "save",
        }
        # Answer part of the items, as an assessor does while the facts come in.
        for item, options in self.instrument.items():
            if self.rng.random() < 0.6:
                data[f"item_{item}"] = self.rng.choice(options)
        with self.post_form(f"/assessments/{pk}/", page.text, data, "assessment: save answers") as answer:
            self.expect(answer, 302)


class CaseManager(HaardUser):
    kind = "case_manager"
    weight = 10

    @task
    def read_case(self) -> None:
        self.page("/cases/", "case list")
        pk = self.rng.choice(FIXTURE["cases"])
        self.page(f"/cases/{pk}/", "case page")
        self.page(f"/cases/{pk}/plan/", "case plan")


class AddressViewer(HaardUser):
    """Veilig Thuis staff looking at the addresses with incidents, and one address."""

    kind = "address_view"
    weight = 8

    @task
    def addresses(self) -> None:
        municipality = self.rng.choice(FIXTURE["municipalities"])["code"]
        self.page(f"/insight/addresses/?municipality={municipality}", "address view: list")
        pk = self.rng.choice(FIXTURE["address_ids"])
        self.page(f"/insight/addresses/{pk}/", "address view: address")


class PolicyOfficer(HaardUser):
    kind = "policy"
    weight = 7

    @task
    def area_scan(self) -> None:
        municipality = self.rng.choice(FIXTURE["municipalities"])["code"]
        self.page(f"/insight/area-scan/?municipality={municipality}", "area scan")
