"""Settings for Rollout Planner, read from the environment only.

DJANGO_ENV selects the profile: ``development`` (the default for ``make run`` and tests) or
``production`` (docker compose, real deployments). Production refuses to start without a
SECRET_KEY and turns on every transport-security setting that ``check --deploy`` looks for.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)


def _development_secret_key() -> str:
    """A per-checkout key kept under var/, so sessions survive restarts of the dev server."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if IS_PRODUCTION:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
    except environ.ImproperlyConfigured as exc:
        raise environ.ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_ENV=production."
        ) from exc
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "rolloutplanner",
    "rolloutplanner.timeline",
    "leas",
    "vendors",
    "mapping",
    "usecases",
    "parallel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rolloutplanner.middleware.ReadOnlyRolesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rolloutplanner.urls"
WSGI_APPLICATION = "rolloutplanner.wsgi.application"
ASGI_APPLICATION = "rolloutplanner.asgi.application"

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
                "rolloutplanner.context_processors.navigation",
            ],
        },
    },
]

# Embedded default: a SQLite file under var/; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rolloutplanner.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # A file, not memory, so a test worker process can open the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # idle sessions expire; active ones stay alive

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

FORMS_URLFIELD_ASSUME_HTTPS = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis, when configured, serves as Celery broker and cache.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # API rate-limit counters (rolloutplanner/api/throttling.py), apart from other cached data.
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "throttle",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

# Celery: Redis when REDIS_URL / CELERY_BROKER_URL is set, otherwise kombu's filesystem
# transport under var/broker, which needs no server. Jobs always run in the worker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="rolloutplanner")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
# Every periodic task of every app, in one place (times in TIME_ZONE).
CELERY_BEAT_SCHEDULE = {
    "fail-stale-jobs": {
        "task": "rolloutplanner.tasks.fail_stale_jobs",
        "schedule": 60.0,
    },
    "timeline-change-notice-digests": {
        "task": "rolloutplanner.timeline.tasks.send_change_notice_digests",
        "schedule": crontab(hour=6, minute=0),  # one predictable morning e-mail
    },
    "flag-credentials-for-rotation": {
        "task": "vendors.tasks.flag_credentials_for_rotation",
        "schedule": crontab(hour="*/6", minute=15),  # idempotent; four times a day
    },
    "parallel-purge-student-data": {
        "task": "parallel.tasks.purge_parallel_student_data",
        "schedule": crontab(hour=2, minute=30),  # nightly, outside working hours
    },
    "parallel-recheck-outdated-edfi-files": {
        "task": "parallel.tasks.recheck_outdated_edfi_files",
        "schedule": crontab(hour=3, minute=30),  # after the purge: nothing purged is checked
    },
}
CELERY_TIMEZONE = TIME_ZONE
# A running job that has not reported progress for this long is taken as lost.
JOB_STALE_AFTER = timedelta(seconds=env.int("JOB_STALE_AFTER_SECONDS", default=600))
# Four eyes: an approval comes from someone other than the author of the change under review.
# A one-person team may relax it (rolloutplanner/review.py applies it everywhere).
REVIEW_ALLOW_SELF_APPROVAL = env.bool("REVIEW_ALLOW_SELF_APPROVAL", default=False)

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rollout-planner@localhost")
# The address people open the app at: links in e-mails are built from it (a message sent by the
# worker has no request to take a host from). Production has no default: see checks.py.
SITE_URL = env.str("SITE_URL", default="" if IS_PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a refused token answers 401 with WWW-Authenticate: Token.
        "rolloutplanner.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "rolloutplanner.api.permissions.ReadOnlyRolesOnlyRead",
    ],
    "DEFAULT_PAGINATION_CLASS": "rolloutplanner.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rolloutplanner.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rolloutplanner.api.throttling.AnonymousThrottle",
        "rolloutplanner.api.throttling.SessionUserThrottle",
        "rolloutplanner.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="5000/hour"),
        "token": env.str("API_THROTTLE_TOKEN", default="5000/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Rollout Planner API",
    "DESCRIPTION": "Plans, mappings, rollout, timeline and parallel-year data of an Ed-Fi rollout.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Element and descriptor mappings share one review status: one named enum for both.
    "ENUM_NAME_OVERRIDES": {
        "MappingStatusEnum": "mapping.models.MappingStatus",
        "ReadinessStatusEnum": "leas.models.ReadinessStatus",
    },
}

# Content Security Policy: everything is served from this origin (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # container health checks speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Student-level data and raw uploads are purged after this many days (parallel year).
DATA_RETENTION_DAYS = env.int("DATA_RETENTION_DAYS", default=90)
# The parallel-year engine (DuckDB inside the worker): memory it may hold (beyond it, it spills
# to the run's folder under PARALLEL_SPILL_DIR, which must be protected disk: it holds
# student-level rows while a run works; the folder is removed when the run ends) and threads
# (0: one per core). The worker's peak is about PARALLEL_MEMORY_LIMIT plus 200-300 MB whatever
# the files' size (parallel/README.md).
PARALLEL_MEMORY_LIMIT = env.str("PARALLEL_MEMORY_LIMIT", default="512MB")
PARALLEL_THREADS = env.int("PARALLEL_THREADS", default=0)
PARALLEL_SPILL_DIR = env.path("PARALLEL_SPILL_DIR", default=VAR_DIR / "spill")

# Imported registry and specification files (rolloutplanner.spreadsheets). A file above
# IMPORT_MAX_BYTES is refused before it is read; one above IMPORT_BACKGROUND_ABOVE_BYTES is
# imported by a job, outside the web request. The other caps bound what a small hostile
# workbook can make the reader do: an XLSX is a zip, and 5 KB of it may declare gigabytes.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=64 * 1024 * 1024)
IMPORT_BACKGROUND_ABOVE_BYTES = env.int("IMPORT_BACKGROUND_ABOVE_BYTES", default=1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=1024**3)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=200)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_000_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=20_000_000)
# A sheet ends after this many empty rows in a row (formatting often reaches row 1048576).
IMPORT_BLANK_ROWS_END_SHEET = env.int("IMPORT_BLANK_ROWS_END_SHEET", default=1000)
