"""Settings for the partnership performance portal.

One file, read from the environment, with embedded defaults that run the portal on a fresh
machine: SQLite when DATABASE_URL is unset, Celery tasks run in-process when
CELERY_BROKER_URL is unset. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and the
two URLs; `manage.py check --deploy` is then clean.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from portal.config import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# DEBUG defaults on so that `make run` works with no configuration. Its technical 404 and
# error pages (settings, SQL, source) are for developers on their own machine only: any
# portal other people can reach runs with DEBUG=0, and then shows templates/404.html etc.
DEBUG = env.bool("DEBUG", default=True)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)


def refuse_unsafe_production(debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """With DEBUG off the portal faces the internet: a public key or no host list would let
    anyone forge sessions and password-reset links, so it refuses to start instead."""
    if debug:
        return
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG=0 needs a SECRET_KEY of your own: set the SECRET_KEY environment variable "
            "to a long random string (the development key is public)."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "DEBUG=0 needs ALLOWED_HOSTS: set it to the portal's host names, comma-separated."
        )


refuse_unsafe_production(DEBUG, SECRET_KEY, ALLOWED_HOSTS)
# `load_demo` creates logins whose password is in the README: only where DEBUG is on. Kept
# apart from DEBUG because the test runner switches DEBUG off after settings are read.
DEMO_DATA_ALLOWED = DEBUG
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
PARTNERSHIP_NAME = env("PARTNERSHIP_NAME", default="Leicestershire Safer Communities Partnership")
# Who answers about accessibility, privacy and the portal itself (footer pages). Set it
# in production: the pages fall back to "ask your organisation's performance lead" without.
PARTNERSHIP_CONTACT_EMAIL = env("PARTNERSHIP_CONTACT_EMAIL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "axes",
    "csp",
    "portal",
    "indicators",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.middleware.SessionIdleTimeoutMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "portal.background.BackgroundUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections for a minute, but test each before reuse: after a database restart or a
# dropped connection the next request reconnects instead of answering 500.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager export share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory for one process; set CACHE_URL=redis://… so that every app server and the
# worker share import progress and page caches.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://portal"),
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes: lock an account/IP pair after repeated failed logins. Locking by the pair,
# never by username alone, means a stranger cannot lock a known account out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy every request comes from the proxy's address, so the pair above
# would lock the account for everyone. Set TRUSTED_PROXY_COUNT to the number of reverse
# proxies in front of the portal (1 for a single nginx or load balancer), each appending the
# address it saw to X-Forwarded-For: the client's address is then the entry that many places
# from the right, which the client cannot forge (anything it sends itself sits further left).
# Leave it 0 when the portal is reached directly: X-Forwarded-For is then ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"

# Password-reset requests: at most this many per hour for one address and for one client,
# so the form cannot be used to flood an inbox or to probe for accounts.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_LIMIT_WINDOW = 60 * 60  # seconds

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (default 2 hours) and in
# any case SESSION_COOKIE_AGE after sign-in (default 12 hours).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 60 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Uploaded and exported files go through Django's storage API: this server's MEDIA_ROOT by
# default, S3-compatible object storage with STORAGE_URL=s3://bucket/… (see portal.config).
STORAGES = {
    "default": storage_from_url(env("STORAGE_URL", default="")),
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Email: console in development, SMTP by EMAIL_URL in production.
_email = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")  # EMAIL_URL=filemail:///folder (tests)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="performance-portal@localhost")

# Celery: eager in-process without a broker; a real worker through Redis with one.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, and a worker that dies mid-task gives its
# message back: exports and imports are idempotent, so running one again is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, a late-acknowledged task cannot be acknowledged any
# more and will be redelivered: stop it rather than finish it twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A user's request never waits on a dead broker: fail fast, never retry a publish
# (portal.background.enqueue then answers False and the work waits for beat or a retry).
BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
# An unacknowledged message (its worker died) goes back on the queue after
# visibility_timeout seconds; it must exceed the longest task's time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    "max_retries": 0,
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_RESULT_EXPIRES = 24 * 3600
# Jobs: a hard time limit (the worker kills a task past it), and the periodic sweeper
# retries a job whose heartbeat is older than the limit, at most JOB_MAX_ATTEMPTS times.
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=300)
IMPORT_TIME_LIMIT = env.int("IMPORT_TIME_LIMIT", default=1800)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# /health/ fails when the oldest unsent email has waited longer than this (seconds).
OUTBOX_MAX_AGE = env.int("OUTBOX_MAX_AGE", default=900)

# Workflow and reminders.
REMINDER_DAYS_BEFORE_DEADLINE = env.int("REMINDER_DAYS_BEFORE_DEADLINE", default=7)

# Spreadsheet uploads: limits are settings so an operator can tune them.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
IMPORT_PREVIEW_EXPIRY_DAYS = env.int("IMPORT_PREVIEW_EXPIRY_DAYS", default=7)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Admin downloads: a cell starting with "=" must not run as a formula in a spreadsheet.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/govuk.html"

# Content Security Policy (django-csp 4): no inline script, styles from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security: strict when DEBUG is off (see Django's deployment checklist).
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    # Preload and subdomains bind every host under the council's domain for months and are
    # hard to undo, so each is the operator's deliberate choice (default off).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # `check --deploy` asks for both (W005, W021); when an operator leaves one off, that is
    # the deliberate choice above, so its warning is silenced and nothing else is.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "portal.log_filters.OneLineForbidden"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_403"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
