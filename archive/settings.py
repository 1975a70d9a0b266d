"""Settings for the archive catalogue, read from the environment (12-factor).

DATABASE_URL   database; default: SQLite file var/db.sqlite3 (PostgreSQL: postgres://user@host/db)
SECRET_KEY     required to serve unless DEBUG
DEBUG          "1"/"true" to enable debug mode (default off)
ALLOWED_HOSTS  comma-separated host names (default: localhost names when DEBUG)
MEDIA_ROOT     where uploaded scans are stored (default: var/media)
STATIC_ROOT    where collectstatic puts files (default: var/static)
CACHE_URL      redis://host:port/db for a shared cache; default: local memory
DATABASE_REPLICA_URLS  comma-separated PostgreSQL read replicas of DATABASE_URL (default none)
DATABASE_REPLICA_MAX_LAG  seconds a replica may stay behind before it is skipped (default 10)
DISABLE_SERVER_SIDE_CURSORS  "1" behind pgbouncer in transaction mode
TASKS_BACKEND  "immediate" (default) or "database" (scan derivatives queued for db_worker)
CACHE_WARMING  "1" to recompute the public pages' counts in a task after each public change
               (default: on with TASKS_BACKEND=database, off with "immediate")
CACHE_WARM_PATHS  comma-separated paths warmed besides home, /documents/ and collections
CATALOGUE_INDEX  "0" to count facets in SQL instead of the per-server facet index;
               CATALOGUE_INDEX_DIR (var/catalogue-index), CATALOGUE_INDEX_BACKGROUND ("1"),
               COMMON_WORDS_FROM (50000), COMMON_WORDS_SHARE (0.03), COMMON_WORDS_MAX (256):
               word bitmaps for search
MEDIA_SERVER   "django" (stream page images, default), "nginx" (X-Accel-Redirect) or "apache"
               (X-Sendfile); MEDIA_INTERNAL_URL is nginx's internal location for MEDIA_ROOT
Security (see the README's configuration table): SECURE_COOKIES, SECURE_SSL_REDIRECT,
SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD, BEHIND_PROXY,
LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MINUTES, CSP_REPORT_URI, DATABASE_RETRY_AFTER
MAP_TILE_URL   optional tile server for the map, "https://host/{z}/{x}/{y}.png" (default: none,
               the bundled world outline only); MAP_TILE_ATTRIBUTION its credit line
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env_flag("DEBUG")

# Management commands run without a key; serving (archive/wsgi.py) refuses to start without one
# unless DEBUG is on.
INSECURE_DEVELOPMENT_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEVELOPMENT_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "ninja",  # its Swagger UI template and static files (without it, ninja loads them from a CDN)
    "simple_history",
    "csp",
    "axes",
    "catalogue",
]

MIDDLEWARE = [
    "catalogue.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "catalogue.versioning.CatalogueVersionMiddleware",
    "catalogue.routing.ReplicaReadMiddleware",  # after the version middleware, before any read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "archive.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# Behind pgbouncer in transaction mode, server-side cursors (used by streamed exports) must be off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_flag("DISABLE_SERVER_SIDE_CURSORS")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20


def replica_databases(urls, primary: dict) -> dict:
    """DATABASES entries (`replica1`, `replica2` …) for read replicas of `primary`: the same
    options, a short connect timeout (a replica that is down must cost a request little), and
    in tests a mirror of the primary (Django never creates a test database on a replica)."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(url, conn_max_age=primary.get("CONN_MAX_AGE", 0))
        replica["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
        replica["OPTIONS"].setdefault("connect_timeout", 2)
        replica["DISABLE_SERVER_SIDE_CURSORS"] = primary.get("DISABLE_SERVER_SIDE_CURSORS", False)
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas


# Read replicas (catalogue/routing.py, docs/deployment.md): public pages read the catalogue from
# a replica that has caught up with the primary's catalogue version. The test suite ignores
# DATABASE_REPLICA_URLS (tests/test_replicas.py sets up its own replica).
REPLICA_DATABASES = replica_databases(
    [] if TESTING else env_list("DATABASE_REPLICA_URLS"), DATABASES["default"]
)
DATABASES.update(REPLICA_DATABASES)
DATABASE_REPLICAS = list(REPLICA_DATABASES)
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
DATABASE_ROUTERS = ["catalogue.routing.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_settings(url: str) -> dict:
    """CACHES for a CACHE_URL: Redis for redis:// (shared by every app server), otherwise
    per-process memory with room for the cached counts and rendered fragments of a few hundred
    queries (Django's default of 300 entries would evict them within minutes)."""
    if url.startswith("redis://"):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                # A cache server that is down must cost a page little: catalogue.caching then
                # leaves the cache alone for a few seconds and serves pages uncached.
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }


CACHES = cache_settings(os.environ.get("CACHE_URL", ""))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Scans: refuse files above these limits before Pillow decodes them.
SCAN_MAX_UPLOAD_BYTES = int(os.environ.get("SCAN_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
SCAN_MAX_PIXELS = int(os.environ.get("SCAN_MAX_PIXELS", 80_000_000))
DATA_UPLOAD_MAX_NUMBER_FILES = 200

# Background tasks (scan derivatives) with django-tasks. TASKS_BACKEND=immediate (default) runs a
# task as soon as it is enqueued, after the upload commits; TASKS_BACKEND=database queues it for
# `manage.py db_worker`, so uploads return at once.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ValueError(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")

# After a change the public can see, a task recomputes the counts of the most visited pages (see
# catalogue/warming.py). Off by default with the immediate backend, where the task would run
# inside the archivist's request.
CACHE_WARMING = env_flag("CACHE_WARMING", default=TASKS_BACKEND == "database")
CACHE_WARM_PATHS = env_list("CACHE_WARM_PATHS")

SITE_NAME = "Soviet Foreign Policy Documents, 1919–1941"

# Page images are served by permission-checked views (catalogue/views/scans.py), never as a
# folder; the file transfer itself is streamed by Django or handed to the web server.
MEDIA_SERVER = os.environ.get("MEDIA_SERVER", "django")
if MEDIA_SERVER not in ("django", "nginx", "apache"):
    raise ValueError("MEDIA_SERVER must be one of django, nginx, apache.")
MEDIA_INTERNAL_URL = os.environ.get("MEDIA_INTERNAL_URL", "/protected-media/")

# The derived facet index of each app server (catalogue/catalogue_index.py): counts facets with
# numpy instead of GROUP BY; CATALOGUE_INDEX=0 counts in SQL. `build_catalogue_index` writes it
# to CATALOGUE_INDEX_DIR, from where a restarted server loads it and catches up.
CATALOGUE_INDEX = env_flag("CATALOGUE_INDEX", default=True)
CATALOGUE_INDEX_DIR = os.environ.get("CATALOGUE_INDEX_DIR", str(VAR_DIR / "catalogue-index"))
CATALOGUE_INDEX_BACKGROUND = env_flag("CATALOGUE_INDEX_BACKGROUND", default=True)
# From this many documents (PostgreSQL), the index keeps a bitmap per word found in more than
# COMMON_WORDS_SHARE of them, so that a search for such a word needs no GIN fetch of its ids.
COMMON_WORDS_FROM = int(os.environ.get("COMMON_WORDS_FROM", "50000"))
COMMON_WORDS_SHARE = float(os.environ.get("COMMON_WORDS_SHARE", "0.03"))
COMMON_WORDS_MAX = int(os.environ.get("COMMON_WORDS_MAX", "256"))

# While the database cannot be reached, pages answer 503 with this Retry-After (seconds).
DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "30"))

# -- security ------------------------------------------------------------------------------
# Served over https unless SECURE_COOKIES=0 (plain http on a private network, or `make serve`);
# the https redirect and HSTS follow that switch unless set on their own.
SERVED_OVER_HTTPS = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", SERVED_OVER_HTTPS)
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if SECURE_SSL_REDIRECT else 0)
)
HSTS_ON = bool(SECURE_HSTS_SECONDS)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", HSTS_ON)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", HSTS_ON)
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto (for the https redirect and
# secure cookies) and its X-Forwarded-For (for the login throttle). Only with a proxy that sets
# both and strips what clients send.
BEHIND_PROXY = env_flag("BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this site, no inline code or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The map (catalogue/geography.py): the bundled world outline, and optionally tiles from a tile
# server, whose origin the Content-Security-Policy then allows for images.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL)
    if _tiles.scheme not in ("https", "http") or not _tiles.netloc:
        raise ImproperlyConfigured("MAP_TILE_URL must be an http(s) URL with {z}, {x} and {y}.")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one user name from
# one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES, right password or not.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
if BEHIND_PROXY:
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# OAI-PMH (catalogue/oai): records are named oai:<OAI_REPOSITORY_IDENTIFIER>:D000001, so the
# identifier must be a domain name of the repository that never changes once harvested.
OAI_REPOSITORY_IDENTIFIER = os.environ.get(
    "OAI_REPOSITORY_IDENTIFIER", "archive-catalogue.example.org"
)
OAI_ADMIN_EMAIL = os.environ.get("OAI_ADMIN_EMAIL", f"editors@{OAI_REPOSITORY_IDENTIFIER}")
OAI_BATCH_SIZE = int(os.environ.get("OAI_BATCH_SIZE", "100"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
