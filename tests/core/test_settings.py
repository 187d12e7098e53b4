"""Production refuses to start without its secrets; the demo starts with nothing set."""

import os
import subprocess
import sys

import pytest

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("HAARD_", "DATABASE_URL", "DJANGO_"))}


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import haard.settings",
        ],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRINT_SECURITY = (
    "import haard.settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
)


def test_demo_settings_need_nothing() -> None:
    result = _load_settings()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HAARD_ENV": "production"}, "HAARD_SECRET_KEY must be set"),
        ({"HAARD_ENV": "production", "HAARD_SECRET_KEY": "x" * 60}, "HAARD_ALLOWED_HOSTS"),
        (
            {"HAARD_ENV": "production", "HAARD_SECRET_KEY": "x" * 60, "HAARD_ALLOWED_HOSTS": "haard.example"},
            "HAARD_FIELD_ENCRYPTION_KEY",
        ),
        ({"HAARD_ENV": "staging"}, "HAARD_ENV must be one of"),
        ({"HAARD_SESSION_IDLE_MINUTES": "0"}, "HAARD_SESSION_IDLE_MINUTES must be at least 1"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start with"),
        ({"HAARD_ENV": "production", "HAARD_DEBUG": "true"}, "HAARD_DEBUG cannot be on"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(env: dict[str, str], message: str) -> None:
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_turns_on_secure_cookies_and_hsts() -> None:
    env = {
        "HAARD_ENV": "production",
        "HAARD_SECRET_KEY": "k" * 60,
        "HAARD_ALLOWED_HOSTS": "haard.example",
        "HAARD_FIELD_ENCRYPTION_KEY": "f" * 40,
        "HAARD_BSN_HASH_KEY": "h" * 40,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PRINT_SECURITY,
        ],
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
