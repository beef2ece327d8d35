"""Trygg settings. Configuration is environment, not code paths."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRYGG_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A local, never-shared key for development and the demo; production must set SECRET_KEY.
    SECRET_KEY = "insecure-local-" + str(BASE_DIR)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its templates and static Swagger UI for the API docs
    "trygg.tenants",
    "trygg.audit",
    "trygg.areas",
    "trygg.reports",
    "trygg.imports",
    "trygg.police",
    "trygg.bra",
    "trygg.picture",
    "trygg.cycle",
    "trygg.tips",
    "trygg.api",
    "trygg.lagesbild",
    "trygg.walks",
    "trygg.surveys",
    "trygg.citizens",
    "trygg.demo",
    "trygg.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trygg.middleware.language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trygg" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "trygg.tenants.context_processors.tenant",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'trygg.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Shared by every server process: trygg.ratelimit's counters.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "trygg_ratelimit",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

LOCALE_PATHS = [BASE_DIR / "trygg" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "trygg" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
for _dir in (STATIC_ROOT, MEDIA_ROOT):
    _dir.mkdir(parents=True, exist_ok=True)

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The open interfaces: largest request body of an API write, and writes per (count, seconds)
# for each token and each address.
TRYGG_API_MAX_BODY = envint("TRYGG_API_MAX_BODY", 64 * 1024)
TRYGG_API_WRITE_RATE = (envint("TRYGG_API_WRITE_LIMIT", 60), envint("TRYGG_API_WRITE_PER", 60))
NINJA_PAGINATION_CLASS = "trygg.api.filters.Page"
TRYGG_MAX_PHOTO_BYTES = envint("TRYGG_MAX_PHOTO_BYTES", 10 * 1024 * 1024)
# An import file, once uncompressed, is read up to this size (a gzip bomb stops there).
TRYGG_IMPORT_MAX_UNCOMPRESSED_BYTES = envint("TRYGG_IMPORT_MAX_UNCOMPRESSED_BYTES", 4 << 30)

# Retention, in days, carried out by `trygg prune` (see README, "Retention"); None keeps the
# rows. Each can be set by the environment, e.g. TRYGG_RETAIN_TIPS_DAYS=365.
TRYGG_RETENTION_DEFAULTS: dict[str, int | None] = {
    "reports": 5 * 365,  # own reports: anonymised (text cleared, position to a 250 m cell)
    "walk_findings": 5 * 365,  # safety-walk findings: anonymised likewise
    "photos": 5 * 365,  # photos of events older than this: deleted
    "tips": 2 * 365,  # citizen tips: deleted
    "rejected_tips": 30,  # rejected citizen tips, after their moderation: deleted
    "police_events": None,  # police notices: as licensed (the agreement decides)
    "police_crimes": None,  # police crime statistics: as licensed
    "audit": 10 * 365,  # the audit log: deleted, the one deletion its triggers allow
    "api_tokens": 90,  # API tokens expired or revoked this long ago: deleted
}
TRYGG_RETENTION = {
    rule: (
        int(os.environ[f"TRYGG_RETAIN_{rule.upper()}_DAYS"])
        if os.environ.get(f"TRYGG_RETAIN_{rule.upper()}_DAYS", "").strip().isdigit()
        else days
    )
    for rule, days in TRYGG_RETENTION_DEFAULTS.items()
}
TRYGG_RETENTION_GRID_M = 250  # anonymised positions: the centre of this square (SWEREF 99 TM)

# Base map tiles: with no URL configured (offline), maps show the area polygons as background.
TRYGG_TILE_URL = os.environ.get("TRYGG_TILE_URL", "")
TRYGG_TILE_ATTRIBUTION = os.environ.get("TRYGG_TILE_ATTRIBUTION", "")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and envbool("HTTPS", "0"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
