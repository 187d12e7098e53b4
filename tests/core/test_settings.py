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
        ({"HAARD_TASKS": "celery"}, "HAARD_TASKS must be one of"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(env: dict[str, str], message: str) -> None:
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


PRODUCTION = {
    "HAARD_ENV": "production",
    "HAARD_SECRET_KEY": "k" * 60,
    "HAARD_ALLOWED_HOSTS": "haard.example",
    "HAARD_FIELD_ENCRYPTION_KEY": "f" * 40,
    "HAARD_BSN_HASH_KEY": "h" * 40,
}


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env={**BASE_ENV, **env}, capture_output=True, text=True, check=False
    )


def test_production_turns_on_secure_cookies_and_hsts() -> None:
    result = _run(PRINT_SECURITY, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        (PRODUCTION, "django_tasks_db.DatabaseBackend"),
        ({}, "django_tasks.backends.immediate.ImmediateBackend"),
        ({**PRODUCTION, "HAARD_TASKS": "immediate"}, "django_tasks.backends.immediate.ImmediateBackend"),
        ({"HAARD_TASKS": "database"}, "django_tasks_db.DatabaseBackend"),
    ],
)
def test_background_work_waits_for_the_worker_in_production_and_is_done_at_once_elsewhere(
    env: dict[str, str], backend: str
) -> None:
    result = _run("import haard.settings as s; print(s.TASKS['default']['BACKEND'])", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_the_app_server_process_freezes_what_it_loaded_out_of_the_collectors_sight() -> None:
    code = "import gc; n = gc.get_freeze_count(); import haard.wsgi; print(n, gc.get_freeze_count())"
    result = _run(code, DJANGO_SETTINGS_MODULE="haard.settings")
    assert result.returncode == 0, result.stderr
    before, after = (int(n) for n in result.stdout.split())
    assert before == 0 and after > 50_000  # Django, the apps and every view module


PRINT_DATABASE_OPTIONS = (
    "import haard.settings as s; d = s.DATABASES['default']; "
    "print(d['ENGINE'], sorted(d.get('OPTIONS', {}).items()))"
)
POSTGRES = {"DATABASE_URL": "postgres://haard@db.example:5432/haard"}


def test_postgresql_binds_values_on_the_server_and_prepares_repeated_statements() -> None:
    result = _run(PRINT_DATABASE_OPTIONS, **POSTGRES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "haard.core.postgresql [('prepare_threshold', 5), ('server_side_binding', True)]"
    )


def test_prepared_statements_can_be_turned_off_for_a_pooler() -> None:
    result = _run(PRINT_DATABASE_OPTIONS, **POSTGRES, HAARD_DB_PREPARED_STATEMENTS="off")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql []"


def test_a_bad_prepared_statements_value_is_refused_by_name() -> None:
    result = _run(PRINT_DATABASE_OPTIONS, **POSTGRES, HAARD_DB_PREPARED_STATEMENTS="sometimes")
    assert result.returncode != 0
    assert "HAARD_DB_PREPARED_STATEMENTS must be one of" in result.stderr


def test_sqlite_keeps_its_own_options() -> None:
    result = _run(PRINT_DATABASE_OPTIONS)
    assert result.returncode == 0, result.stderr
    assert "server_side_binding" not in result.stdout
    assert "transaction_mode" in result.stdout
