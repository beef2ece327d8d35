"""Trygg settings. Configuration is environment, not code paths."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
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
    # A local, never-shared key for development and the demo; production must set SECRET_KEY
    # (the "django-insecure-" prefix makes `check --deploy` say so).
    SECRET_KEY = "django-insecure-local-" + str(BASE_DIR)
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
    "trygg.accounts",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "trygg.middleware.permissions_policy_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trygg.middleware.language_middleware",
    "trygg.middleware.nul_query_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "trygg.accounts.middleware.account_middleware",  # idle timeout, second factor
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
                "django.template.context_processors.csp",
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
elif envbool("DB_SERVER_SIDE_BINDING", "1"):
    # PostgreSQL binds the parameters itself, so psycopg prepares a statement that a
    # connection runs again and again (parsed and planned once): ~40 % less database time per
    # report. Off (0) behind a connection pooler in transaction mode, which cannot keep
    # prepared statements. Django turns psycopg's preparing off unless a threshold is given;
    # 5 is psycopg's own default.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# Sessions end 12 hours after the login whatever happens, and after 2 hours without a request
# (trygg.accounts.middleware). The cookie also dies with the browser: a shared computer in a
# municipal office must not keep a session for the next person; on phones, where browsers
# are rarely closed, the idle timeout does the work.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
TRYGG_SESSION_IDLE_SECONDS = envint("TRYGG_SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Users with a role that sees police data or administers must log in with a second factor
# (TOTP); other users may choose to. Off only for tests and local try-outs.
TRYGG_REQUIRE_2FA = envbool("TRYGG_REQUIRE_2FA", "1")
# Failed logins allowed per (count, seconds): per account, per client address; wrong codes.
TRYGG_LOGIN_USER_RATE = (envint("TRYGG_LOGIN_USER_LIMIT", 5), 15 * 60)
TRYGG_LOGIN_ADDRESS_RATE = (envint("TRYGG_LOGIN_ADDRESS_LIMIT", 20), 15 * 60)
TRYGG_TOTP_RATE = (5, 15 * 60)

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


def tile_source(url: str) -> list[str]:
    """The CSP source of a tile URL template: its scheme and host, "{s}" as a wildcard label."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc
    if "{" in host:  # e.g. {s}.tile.example or tile-{s}.example: any subdomain of the rest
        host = "*." + host.split(".", 1)[1] if "." in host else ""
    return [f"{parts.scheme}://{host}"] if host and "{" not in host else []


# Content Security Policy: scripts and styles only from our own static files (no inline
# script, no inline style, no eval); the API docs (Swagger UI) have their own, see api.py.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:", *tile_source(TRYGG_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Browser features pages may use: the phone's position for a report or a walk, its camera
# for a photo; nothing else.
TRYGG_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), serial=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=(), browsing-topics=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token from the page (base.html, hx-headers).
CSRF_COOKIE_HTTPONLY = True
if envbool("TRUST_X_FORWARDED_PROTO"):
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (and strips it
    # from clients); without it, SECURE_SSL_REDIRECT would redirect forever.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and envbool("HTTPS", "0"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
