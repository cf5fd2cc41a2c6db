"""Base settings, read from the environment (django-environ).

Every integration is switched on by its own variable; `.env.example` documents them all.
Production values without a safe default (SECRET_KEY, ALLOWED_HOSTS) live in `production.py`,
which fails at start-up when they are missing.
"""

import importlib
from pathlib import Path

import environ

from sotkabinet.cache import redis_caches
from sotkabinet.gunicorn_conf import DEFAULT_KEEPALIVE_SECONDS

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# Development default only; production.py requires SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-sotkabinet-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# DEMO=1 enables the demo CA as a trust anchor and the server-side demo signer. Never in production.
DEMO = env.bool("DEMO", default=False)
PRODUCTION = False  # production.py: True (demo tools refuse to run there)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "sotkabinet.accounts",
    "sotkabinet.courts",
    "sotkabinet.core",
    "sotkabinet.signatures",
    "filings",
    "registry",
    "enforcement",
    "archive",
]

MIDDLEWARE = [
    # GET /healthz answers before anything else: no host check, no HTTPS redirect, no database.
    "sotkabinet.faults.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sotkabinet.core.middleware.RequestContextMiddleware",
    # A lost database connection answers 503 with Retry-After (README "Faults").
    "sotkabinet.faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "sotkabinet.urls"
WSGI_APPLICATION = "sotkabinet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sotkabinet.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes (web, worker, beat) share one SQLite file in `make run`.
    # WAL lets the worker read while the web process writes (measured in bench/ingest.py).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection is checked before a request reuses it: one cut while idle (a database
# restart, a failover) is replaced instead of failing the request (README "Faults").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:my_cases"

# Languages: Kazakh is the default (R-FIL-*), Russian and English as well.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Almaty")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_ROOT = DATA_DIR / "media"
# Files: local disk by default; S3-compatible storage (django-storages) when S3_BUCKET is set.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env("S3_ENDPOINT_URL", default=None),
                "region_name": env("S3_REGION", default=None),
                "access_key": env("S3_ACCESS_KEY", default=None),
                "secret_key": env("S3_SECRET_KEY", default=None),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
        "archive": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("S3_ARCHIVE_BUCKET", default=S3_BUCKET),
                "location": "archive",
                "endpoint_url": env("S3_ENDPOINT_URL", default=None),
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
else:
    STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT)},
        },
        # Archived items live under DATA_DIR/archive/, named by their sha256 (README "Operations").
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(DATA_DIR / "archive")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# Uploads never stay in memory: every file goes to a temporary file as it streams (R-DOC-3).
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # R-DOC-3: 20 MiB per file
ATTACHMENT_MAX_BYTES_CRIMINAL = 10 * 1024 * 1024  # R-DOC-3 / 001 п.12: 10 MiB
# Budget of one PDF check in the worker (README "Documents we accept"): CPU seconds, and the
# objects a PDF may declare (pypdf holds ~5 KiB per parsed object: this bounds memory). Beyond
# either the file is refused as `corrupt`, "too complex to check".
DOCUMENT_CHECK_SECONDS = env.float("DOCUMENT_CHECK_SECONDS", default=20.0)
DOCUMENT_CHECK_MAX_OBJECTS = env.int("DOCUMENT_CHECK_MAX_OBJECTS", default=100_000)
CABINET_COPY_RETENTION_DAYS = env.int("CABINET_COPY_RETENTION_DAYS", default=183)  # R-DOC-7
# Archives re-audited per night, least recently audited first (R-ARC-2).
ARCHIVE_AUDIT_PER_NIGHT = env.int("ARCHIVE_AUDIT_PER_NIGHT", default=2000)

# Redis: Celery broker and cache when REDIS_URL is set; otherwise a filesystem broker that needs
# no server (a real worker in a separate process) and the local-memory cache.
REDIS_URL = env("REDIS_URL", default="")
CELERY_DATA_DIR = DATA_DIR / "queue"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    # A Redis outage reads as a cache miss, never a 500 (sotkabinet/cache.py, README "Faults").
    CACHES = redis_caches(REDIS_URL, env("CACHE_KEY_PREFIX", default="sotkabinet"))
else:
    for sub in ("in", "processed", "control"):
        (CELERY_DATA_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "in"),
        "data_folder_out": str(CELERY_DATA_DIR / "in"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_DATA_DIR / "control"),
        # The default 1 s poll caps a local worker at about one task a second.
        "polling_interval": 0.1,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Seconds between runs of the filings sweeper, which re-queues filings and attachments whose task
# was lost (broker down at commit): the delay an outage adds to a filing (README "Faults").
FILINGS_SWEEP_INTERVAL = env.float("FILINGS_SWEEP_INTERVAL", default=60.0)
# gunicorn's keep-alive (sotkabinet/gunicorn_conf.py); Retry-After values stay clear of it.
GUNICORN_KEEPALIVE = env.int("GUNICORN_KEEPALIVE", default=DEFAULT_KEEPALIVE_SECONDS)

# ЭЦҚ (R-ECP-*)
ECP_REVOCATION_POLICY = env("ECP_REVOCATION_POLICY", default="hard")
ECP_FETCH_CRL = env.bool("ECP_FETCH_CRL", default=True)
# CRL fetching runs in the worker only (signatures.tasks), from these hosts only, http(s) only,
# bounded by an overall deadline and a size cap; redirects are not followed (README "Security").
ECP_CRL_ALLOWED_HOSTS = env.list(
    "ECP_CRL_ALLOWED_HOSTS", default=["crl.pki.gov.kz", "test.pki.gov.kz", "pki.gov.kz"]
)
ECP_CRL_URLS = env.list("ECP_CRL_URLS", default=[])
ECP_CRL_FETCH_DEADLINE_SECONDS = env.float("ECP_CRL_FETCH_DEADLINE_SECONDS", default=30.0)
ECP_CRL_FETCH_MAX_BYTES = env.int("ECP_CRL_FETCH_MAX_BYTES", default=50 * 1024 * 1024)
ECP_NONCE_TTL_SECONDS = 300
DEMO_PKI_DIR = DATA_DIR / "demo-pki"

# `make run` serves on HOST:PORT (Makefile, sotkabinet/devserver.py). Absolute links
# (PORTAL_BASE_URL) and the built-in АИС ОИП client (ENFORCEMENT_API_URL) follow them unless set.
SERVE_HOST = env("HOST", default="127.0.0.1")
SERVE_PORT = env.int("PORT", default=8000)


def _local_origin(host: str, port: int) -> str:
    """The origin a process on this machine reaches HOST:PORT at (a wildcard bind: loopback)."""
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104 (a bind address, only read here)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


LOCAL_ORIGIN = _local_origin(SERVE_HOST, SERVE_PORT)

# Enforcement system (АИС ОИП) client. Defaults to the chamber module this project ships.
ENFORCEMENT_API_URL = env("ENFORCEMENT_API_URL", default=f"{LOCAL_ORIGIN}/api/v1/ais-oip/")
# The service token is never derived from SECRET_KEY (issue 9). Unset outside production (which
# requires it, production.py), a random one is kept in DATA_DIR, shared by the web and the worker
# of one deployment (`make run`) and by nothing else.
ENFORCEMENT_API_TOKEN = env("ENFORCEMENT_API_TOKEN", default="")


def _local_secret(name: str) -> str:
    """A random secret kept in DATA_DIR/secrets/<name>, the same for every process using it.

    Written whole to a private temporary file and hard-linked into place, so a process starting
    at the same moment reads either nothing (and links its own, which fails) or the whole secret.
    """
    import os
    import secrets

    path = DATA_DIR / "secrets" / name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(secrets.token_hex(32), encoding="ascii")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


if not ENFORCEMENT_API_TOKEN:
    ENFORCEMENT_API_TOKEN = _local_secret("enforcement-api-token")
# Outbox retry policy for dispatch to the enforcement system (R-ENF-3).
ENFORCEMENT_OUTBOX_MAX_ATTEMPTS = env.int("ENFORCEMENT_OUTBOX_MAX_ATTEMPTS", default=8)
ENFORCEMENT_OUTBOX_BASE_DELAY = env.float("ENFORCEMENT_OUTBOX_BASE_DELAY", default=30.0)
ENFORCEMENT_OUTBOX_MAX_DELAY = env.float("ENFORCEMENT_OUTBOX_MAX_DELAY", default=3600.0)
ENFORCEMENT_OUTBOX_LEASE = env.float("ENFORCEMENT_OUTBOX_LEASE", default=120.0)
PAYMENT_GATEWAY_SECRET = env("PAYMENT_GATEWAY_SECRET", default="sandbox-gateway-secret")
# The payment gateway implementation (R-FIL-5); the sandbox is served only when enabled.
PAYMENT_GATEWAY_CLASS = env("PAYMENT_GATEWAY_CLASS", default="filings.gateway.SandboxGateway")
PAYMENT_GATEWAY_SANDBOX = env.bool("PAYMENT_GATEWAY_SANDBOX", default=DEMO)
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=LOCAL_ORIGIN)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@sotkabinet.local")
SMS_BACKEND = env("SMS_BACKEND", default="sotkabinet.core.sms.LoggingSmsBackend")

# The client address (throttles, audit log): X-Forwarded-For is read only from these proxies
# (addresses or networks), or else from NUM_PROXIES proxies in front; none by default
# (sotkabinet/throttling.py, README "Security").
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# API tokens expire this many days after they were issued; a password change revokes them.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sotkabinet.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sotkabinet.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sotkabinet.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "sign_in": env("THROTTLE_SIGN_IN", default="10/min"),
        "signature_verify": env("THROTTLE_SIGNATURE_VERIFY", default="60/min"),
        "sign_in_login": env("THROTTLE_SIGN_IN_LOGIN", default="20/hour"),
        "archive_verify": env("THROTTLE_ARCHIVE_VERIFY", default="20/hour"),
        "printable_copy": env("THROTTLE_PRINTABLE_COPY", default="60/hour"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Сот кабинеті API",
    "DESCRIPTION": "REST API of the court e-filing portal (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActKindEnum": "registry.models.ActKind",
        "FilingKindEnum": "filings.models.FilingKind",
        "AttachmentKindEnum": "filings.models.AttachmentKind",
        "KeyPurposeEnum": [("sign", "sign"), ("auth", "auth")],
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf announces its logger bridge at INFO on first import, in every worker.
        "pikepdf": {"level": "WARNING"},
    },
}

# Periodic jobs: each app declares BEAT_SCHEDULE in its schedule.py; merged here.
# schedule.py modules hold plain data (no model imports), so settings can import them.
CELERY_BEAT_SCHEDULE: dict = {}
for _app in (
    "sotkabinet.core",
    "sotkabinet.signatures",
    "filings",
    "registry",
    "enforcement",
    "archive",
):
    CELERY_BEAT_SCHEDULE.update(importlib.import_module(f"{_app}.schedule").BEAT_SCHEDULE)
CELERY_BEAT_SCHEDULE["filings-sweep"] = {
    **CELERY_BEAT_SCHEDULE["filings-sweep"],
    "schedule": FILINGS_SWEEP_INTERVAL,
    "options": {"expires": FILINGS_SWEEP_INTERVAL * 0.9},
}
