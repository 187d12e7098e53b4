"""What the load test (`load.py`) and the SIGKILL faults (`faults_kill.py`) share: a fresh
PostgreSQL database, the environment of the setup and of the production server, granian
started in a process group of its own, and a signed-in HTTP session.

Production over plain HTTP on loopback, honestly: the server runs with HAARD_ENV=production
and every production setting as it is (secure cookies, HSTS, the HTTPS redirect, CSRF's
origin check). In production TLS ends at a reverse proxy, which forwards plain HTTP with
`X-Forwarded-Proto: https`; settings.py trusts that header in production
(SECURE_PROXY_SSL_HEADER). The clients here play that proxy: every request carries the header
and, for a form, the `Origin: https://host` a browser sends. A request without the header is
redirected to https (the script checks this), so nothing in the application is switched off.
Secure cookies travel over the loopback connection because the client stands for the browser
behind the proxy (the locustfile's cookie policy, and `https_session` below for `requests`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# Test secrets of the benchmark databases only (they are dropped and created by these
# scripts). The same values serve the setup and the server, so that the BSNs encrypted while
# generating the demo region can be read by the server.
BENCH_SECRETS = {
    "HAARD_SECRET_KEY": "bench-only-secret-key-not-for-any-real-data-0123456789abcdef",
    "HAARD_FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key-0123456789abcdef",
    "HAARD_BSN_HASH_KEY": "bench-only-bsn-hash-key-0123456789abcdef0123456789",
}


def database_name(url: str, *, prefix: str) -> str:
    name = url.rsplit("/", 1)[1]
    if not name.startswith(prefix):
        raise SystemExit(f"The database name must start with {prefix}: it is dropped and created.")
    return name


def fresh_database(url: str, *, prefix: str) -> None:
    """Drop and create the database named in `url` (its name must start with `prefix`)."""
    import psycopg

    name = database_name(url, prefix=prefix)
    server = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str, *, prefix: str) -> None:
    import psycopg

    name = database_name(url, prefix=prefix)
    server = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAARD_", "DJANGO_"))}
    env.update(BENCH_SECRETS)
    env.update(
        {
            "DATABASE_URL": database_url,
            "HAARD_VAR_DIR": str(var_dir),
            "HAARD_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "haard.settings",
            "PYTHONPATH": str(SRC),
        }
    )
    return env


def setup_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of the setup (migrate, demo region, accounts): the demo commands
    refuse production, so the setup runs as `test` with the same secrets."""
    return {**base_env(database_url, var_dir), "HAARD_ENV": "test"}


def production_env(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **base_env(database_url, var_dir),
        "HAARD_ENV": "production",
        "HAARD_ALLOWED_HOSTS": "127.0.0.1",
        "HAARD_STATIC_ROOT": str(var_dir / "static"),
    }


def setup_django(database_url: str, var_dir: Path, *, tasks: str | None = None) -> None:
    """Set this process up as the setup environment and start Django; `tasks="database"`
    queues background work for a worker, as production does, instead of doing it at once."""
    for key in [k for k in os.environ if k.startswith("HAARD_")]:
        del os.environ[key]
    os.environ.update(setup_env(database_url, var_dir))
    if tasks:
        os.environ["HAARD_TASKS"] = tasks
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import django

    django.setup()


def manage(*args: str, env: dict[str, str], quiet: bool = True) -> None:
    """Run a management command in a process of its own."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "-W", "ignore", str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=quiet,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Granian:
    """granian serving haard.wsgi under production settings, in a process group of its own
    so that the main process and its workers are signalled together."""

    def __init__(self, *, env: dict[str, str], port: int, workers: int, threads: int, log_path: Path) -> None:
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            str(Path(sys.executable).parent / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--blocking-threads",
            str(self.threads),
            "--no-ws",
            "--log-level",
            "warning",
            "haard.wsgi:application",
        ]

    def start(self, *, timeout: float = 60) -> float:
        """Start and wait until the sign-in page answers; returns the seconds it took."""
        started = time.perf_counter()
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - granian of this virtual environment
            self.command(),
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        import requests

        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"granian stopped at once (exit {self.process.returncode}); see {self.log_path}"
                )
            with contextlib.suppress(requests.RequestException):
                answer = requests.get(
                    f"{self.base_url}/accounts/login/",
                    headers=PROXY_HEADERS,
                    timeout=5,
                    allow_redirects=False,
                )
                if answer.status_code == 200:
                    return time.perf_counter() - started
            time.sleep(0.2)
        raise SystemExit(f"granian did not answer within {timeout:.0f} s; see {self.log_path}")

    def pids(self) -> list[int]:
        """The main process and its workers (the members of its process group)."""
        if self.process is None:
            return []
        group = self.process.pid
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text()
                    fields = stat.rsplit(")", 1)[1].split()
                    if int(fields[2]) == group:  # field 5 of stat: the process group
                        found.append(int(entry.name))
        return sorted(found)

    def kill(self) -> list[int]:
        """SIGKILL to the whole group at once (main process and workers); returns their ids."""
        if self.process is None:
            raise RuntimeError("granian was not started")
        pids = self.pids()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        return pids

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Worker:
    """`manage.py db_worker` (django-tasks-db), production settings, one process polling the
    queue every 0.2 s; with `nice`, at that lower CPU priority than the app server (background
    work gives way to people waiting for a page)."""

    def __init__(self, env: dict[str, str], log: Path, *, nice: int = 0) -> None:
        self.env, self.log, self.nice = env, log, nice
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - manage.py of this project
                [*(["nice", "-n", str(self.nice)] if self.nice else [])]
                + [sys.executable, "-W", "ignore", str(ROOT / "manage.py"), "db_worker"]
                + ["--interval", "0.2", "--no-startup-delay", "--no-reload"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.process.pid

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process is not None and self.process.poll() is None else []

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def https_session() -> Any:
    """A `requests` session that talks to the server as the TLS-terminating proxy would: the
    proxy's header on every request, and secure cookies sent back over the loopback
    connection (the client stands for the browser behind the proxy). Follow no redirects
    with it: a cookie set by a redirect would wait for the next request."""
    import requests

    class HttpsSession(requests.Session):
        def send(self, request: Any, **kwargs: Any) -> Any:
            response = super().send(request, **kwargs)
            for cookie in self.cookies:
                cookie.secure = False
            return response

    session = HttpsSession()
    session.headers.update(PROXY_HEADERS)
    return session


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("No CSRF token on the page.")
    return found.group(1)


def totp_now(key_hex: str) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex)):06d}"


def sign_in(session: Any, base_url: str, *, username: str, password: str, totp_key: str) -> None:
    """Password, then the authenticator's code (when the account has one), as a person does."""
    origin = {"Origin": base_url.replace("http://", "https://", 1)}
    page = session.get(f"{base_url}/accounts/login/", timeout=30)
    answer = session.post(
        f"{base_url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_of(page.text), "username": username, "password": password},
        headers=origin,
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {username}: {answer.status_code}")
    if not totp_key:
        return
    page = session.get(f"{base_url}/accounts/verify/", timeout=30)
    answer = session.post(
        f"{base_url}/accounts/verify/",
        data={"csrfmiddlewaretoken": csrf_of(page.text), "token": totp_now(totp_key)},
        headers=origin,
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "/accounts/verify/" in answer.headers.get("Location", ""):
        raise RuntimeError(f"second factor of {username}: {answer.status_code}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
