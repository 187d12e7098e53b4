"""The one settings module of haard. Every value comes from the environment via core.config."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from haard.accounts.sso_config import read_sso_config
from haard.core.config import ConfigError, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("HAARD_VAR_DIR", str(PROJECT_DIR / "var")))

HAARD_ENV = env_choice("HAARD_ENV", "development", ("development", "test", "production"))
PRODUCTION = HAARD_ENV == "production"
DEBUG = env_bool("HAARD_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigError("HAARD_DEBUG cannot be on when HAARD_ENV=production.")

_DEMO_SECRET = "haard-demo-only-not-for-production-9f4c1e7a2b"  # noqa: S105 (refused in production)
SECRET_KEY = env_str("HAARD_SECRET_KEY", "" if PRODUCTION else _DEMO_SECRET)
ALLOWED_HOSTS = env_list("HAARD_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEMO_SECRET:
        raise ConfigError("HAARD_SECRET_KEY must be set to a random value of 50+ characters.")
    if not ALLOWED_HOSTS:
        raise ConfigError("HAARD_ALLOWED_HOSTS must list the host names this server answers to.")


def _derived_key(purpose: str) -> str:
    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).hexdigest()


# Keys for protected personal fields: the BSN is encrypted with the first and found through a
# keyed hash made with the second. Production must set both; a demo derives them.
HAARD_FIELD_ENCRYPTION_KEY = env_str(
    "HAARD_FIELD_ENCRYPTION_KEY", "" if PRODUCTION else _derived_key("field-encryption")
)
HAARD_BSN_HASH_KEY = env_str("HAARD_BSN_HASH_KEY", "" if PRODUCTION else _derived_key("bsn-hash"))
if PRODUCTION and (len(HAARD_FIELD_ENCRYPTION_KEY) < 32 or len(HAARD_BSN_HASH_KEY) < 32):
    raise ConfigError("HAARD_FIELD_ENCRYPTION_KEY and HAARD_BSN_HASH_KEY must each be set (32+ characters).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram lookups; inert on SQLite
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "haard.core",
    "haard.accounts",
    "haard.audit",
    "haard.registry",
    "haard.intake",
    "haard.intake.imports",
    "haard.cases",
    "haard.triage",
    "haard.huisverbod",
    "haard.meldcode",
    "haard.shelter",
    "haard.conferences",
    "haard.insight",
    "haard.work",
    "haard.retention",
    "haard.api",
    "haard.web",
    "haard.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "haard.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haard.accounts.middleware.SessionIdleMiddleware",
    "haard.accounts.middleware.SecondFactorMiddleware",
    "haard.accounts.middleware.AdminGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haard.urls"
WSGI_APPLICATION = "haard.wsgi.application"

# Widgets render through Jinja2 with the options of a choice inline (haard.web.widgets): the
# same markup as Django's widget templates, several times faster on pages with long forms.
FORM_RENDERER = "haard.web.widgets.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "haard.web.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'haard.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_db)
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ConfigError("DATABASE_URL must start with sqlite:// or postgres://.")
try:
    # A connection lives ten minutes, checked before each request that reuses it: long enough
    # for its prepared statements (below) to pay off.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL cannot be read: {exc}") from None
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("HAARD_TEST_SQLITE", "") or None}
elif env_bool("HAARD_DB_PREPARED_STATEMENTS", default=True):
    # Values bound by the server, not written into the SQL, so that psycopg can prepare a
    # statement the sixth time a connection runs it; PostgreSQL then plans it once per
    # connection instead of at every request (planning a page's joins cost more than running
    # them: bench/RESULTS.md). Off behind a pooler that drops prepared statements (PgBouncer
    # in transaction mode before 1.21).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    DATABASES["default"]["ENGINE"] = "haard.core.postgresql"  # bulk writes within the parameter limit
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "haard.accounts.backends.MembershipBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

# Reminder e-mails carry no personal data (a count and a link). Without an SMTP host they are
# written to the console; production sets the host and sender.
EMAIL_HOST = env_str("HAARD_EMAIL_HOST", "")
EMAIL_PORT = env_int("HAARD_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("HAARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HAARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = True
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("HAARD_EMAIL_FROM", "haard <no-reply@haard.invalid>")
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a period without activity: each request moves the expiry forward.
HAARD_SESSION_IDLE_MINUTES = env_int("HAARD_SESSION_IDLE_MINUTES", 15, minimum=1, maximum=480)
SESSION_COOKIE_AGE = HAARD_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionIdleMiddleware moves the expiry once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout against password guessing (django-axes).
AXES_FAILURE_LIMIT = env_int("HAARD_LOCKOUT_FAILURES", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HAARD_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "haard.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env_int("HAARD_PROXY_COUNT", 0, minimum=0, maximum=5)

OTP_TOTP_ISSUER = env_str("HAARD_TOTP_ISSUER", "haard")
HAARD_BACKUP_CODE_COUNT = 10

# Single sign-on with OpenID Connect: None (off) unless HAARD_OIDC_ENABLED; docs/sso.md.
HAARD_SSO = read_sso_config(production=PRODUCTION)

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("HAARD_MAX_REQUEST_BYTES", 2_621_440, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production serves collected files from STATIC_ROOT; elsewhere they come from the apps.
STATIC_ROOT = (
    Path(env_str("HAARD_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
    if PRODUCTION or env_str("HAARD_STATIC_ROOT")
    else None
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production static files are served straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Background work (taking reports in, police imports, reminders, figures). In production the
# database backend queues it for `manage.py db_worker`; the demo and the tests run it at once,
# inside the request, so that they need no worker.
HAARD_TASKS = env_choice("HAARD_TASKS", "database" if PRODUCTION else "immediate", ("database", "immediate"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if HAARD_TASKS == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Security headers. Everything is served from our own origin; nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HAARD_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("HAARD_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("HAARD_CSRF_TRUSTED_ORIGINS")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env_str("HAARD_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs can carry query strings with names; keep them out.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
        # PDF rendering reports every step and font subset at INFO.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

SILENCED_SYSTEM_CHECKS = [
    # Lockout is per user name on purpose: locking an IP address would lock out a whole
    # organisation behind one gateway after a few typos.
    "axes.W006",
]
