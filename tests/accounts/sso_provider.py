"""Starts the test identity provider (tests/accounts/oidc_provider) as a server process on a
free loopback port, and signs its users in there the way a browser would."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from haard.accounts.sso_config import GroupRole, SsoConfig

PROJECT_DIR = Path(__file__).resolve().parents[2]
CLIENT_ID = "haard-test"
CLIENT_SECRET = "haard-test-secret-0123456789"
CALLBACK = "http://testserver/accounts/sso/callback/"
PASSWORD = "provider password 42"
START_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    base: str
    issuer: str
    discovery: dict[str, Any]
    seeder: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)  # the provider process's environment

    def seed(self, spec: dict[str, Any]) -> None:
        assert self.seeder.stdin is not None and self.seeder.stdout is not None
        self.seeder.stdin.write(json.dumps(spec) + "\n")
        self.seeder.stdin.flush()
        answer = self.seeder.stdout.readline().strip()
        assert answer == "ok", f"seeding the test identity provider failed: {answer or 'no answer'}"

    def seed_users(self, *users: dict[str, Any]) -> None:
        """Create or update provider users: username, groups, and optional names and e-mail."""
        self.seed({"users": [{"password": PASSWORD, **user} for user in users]})

    def config(
        self, group_roles: dict[str, tuple[GroupRole, ...]] | None = None, **changes: Any
    ) -> SsoConfig:
        """haard's configuration for this provider, with the endpoints from its discovery document."""
        values: dict[str, Any] = {
            "provider_name": "Test-IdP",
            "issuer": self.discovery["issuer"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "authorization_endpoint": self.discovery["authorization_endpoint"],
            "token_endpoint": self.discovery["token_endpoint"],
            "userinfo_endpoint": self.discovery["userinfo_endpoint"],
            "jwks_endpoint": self.discovery["jwks_uri"],
            "group_roles": group_roles or {},
        }
        values.update(changes)
        return SsoConfig(**values)

    def browser(self, username: str) -> requests.Session:
        """A browser signed in at the provider as `username`."""
        session = requests.Session()
        session.trust_env = False
        login = urljoin(self.base, "/login/")
        page = session.get(login, timeout=10)
        page.raise_for_status()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "the provider's sign-in page has no CSRF token"
        answer = session.post(
            login,
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
                "next": "/",
            },
            headers={"Referer": login},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, f"the provider refused {username}'s password"
        return session

    def authorize(self, browser: requests.Session, authorization_url: str) -> str:
        """Follow haard's redirect to the provider; return where the provider sends the browser back."""
        answer = browser.get(authorization_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        return str(answer.headers["Location"])


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test identity provider stopped: {log.read_text()[-2000:]}")
        try:
            answer = requests.get(url, timeout=10)
            if answer.status_code == 200:
                return dict(answer.json())
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or still starting up on a busy machine
        time.sleep(0.2)
    raise RuntimeError(f"the test identity provider did not answer within {START_SECONDS} s")


P = TypeVar("P", bound=Provider)


@contextlib.contextmanager
def running_provider(
    directory: Path, *, settings_module: str, python_path: tuple[Path, ...] = (), kind: type[P]
) -> Iterator[P]:
    """A django-oauth-toolkit provider with `settings_module`, run in its own process from
    `directory` (database, signing key, logs), with haard's test client registered."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = directory / "signing-key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HAARD_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), *(str(p) for p in python_path)]),
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY_FILE": str(key_file),
        "OIDC_PROVIDER_ISSUER": f"{base}/o",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    setup = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr.decode()[-2000:]
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    with (directory / "seeder.log").open("wb") as errors:
        seeder = subprocess.Popen(
            [sys.executable, "-m", "django", "provider_seed"],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        discovery = _wait_for(f"{base}/o/.well-known/openid-configuration", process, log)
        provider = kind(base=base, issuer=f"{base}/o", discovery=discovery, seeder=seeder, env=env)
        provider.seed(
            {"client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": CALLBACK}}
        )
        yield provider
    finally:
        if seeder.stdin is not None:
            seeder.stdin.close()  # the seeder ends at the end of its input
        process.terminate()
        for child in (seeder, process):
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """A real OpenID Connect provider (django-oauth-toolkit) in its own process."""
    with running_provider(
        tmp_path_factory.mktemp("oidc-provider"),
        settings_module="tests.accounts.oidc_provider.settings",
        kind=Provider,
    ) as provider:
        yield provider
