"""The one settings module. Everything that differs between installations comes from the environment.

See `.env.example` for every variable. A city's policy choices (age limits, office hours) are data in the
database or the catalog, never settings.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ

from madoguchi.config.paths import PACKAGE_DIR, PROJECT_DIR, embedded_secret_key, var_dir

env = environ.Env()
_env_file = Path(env.str("MADOGUCHI_ENV_FILE", default=str(PROJECT_DIR / ".env")))
if _env_file.is_file():
    environ.Env.read_env(_env_file)

VAR_DIR = var_dir()

DEBUG = env.bool("MADOGUCHI_DEBUG", default=False)
SECRET_KEY = env.str("MADOGUCHI_SECRET_KEY", default="") or embedded_secret_key()
ALLOWED_HOSTS = env.list("MADOGUCHI_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("MADOGUCHI_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps come first so that their templates (login, errors) take precedence.
    "madoguchi.ui",
    "madoguchi.audit",
    "madoguchi.tasks",
    "madoguchi.notifications",
    "madoguchi.organization",
    "madoguchi.staff",
    "madoguchi.runtime",
    "madoguchi.broadcast",
    "madoguchi.catalog",
    "madoguchi.navigator",
    "madoguchi.cases",
    "madoguchi.reception",
    "madoguchi.screening",
    "madoguchi.simulation",
    "madoguchi.submissions",
    "madoguchi.center",
    "madoguchi.departments",
    "madoguchi.reservations",
    "madoguchi.preparation",
    "madoguchi.registry",
    "madoguchi.certificates",
    "madoguchi.remote",
    "madoguchi.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "madoguchi.config.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "madoguchi.ui.middleware.SecurityHeadersMiddleware",  # CSP, no-store (ui/headers.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "madoguchi.staff.middleware.SessionRenewalMiddleware",
    "madoguchi.ui.middleware.LanguageMiddleware",
    "madoguchi.ui.middleware.InputGuardMiddleware",  # NUL in a path, query or form: 400 (ui/inputs.py)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "madoguchi.ui.middleware.BusyMiddleware",
    "madoguchi.config.ratelimit.PublicRateLimitMiddleware",  # pages without sign-in: per address
    "madoguchi.staff.middleware.SecondFactorMiddleware",  # admin areas want a verified session
    "axes.middleware.AxesMiddleware",  # last: answers a locked sign-in (staff/throttling.py)
]

ROOT_URLCONF = "madoguchi.config.urls"
ASGI_APPLICATION = "madoguchi.config.asgi.application"
WSGI_APPLICATION = "madoguchi.config.wsgi.application"

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
                "madoguchi.ui.context_processors.ui",
            ],
        },
    },
]

# --- Requests: `madoguchi serve` runs pages and API calls in this many threads per app process
# (runtime/asgi.py); keep it at most the database pool's size so that no request waits for a connection.
REQUEST_THREADS = env.int("MADOGUCHI_REQUEST_THREADS", default=8)

# --- Database: embedded SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # A connection pool per process: pages and API calls run in REQUEST_THREADS threads and event
        # streams read the board in short-lived threads; each hands its connection back at the end of the
        # request (persistent per-thread connections would pile up until PostgreSQL refuses new clients).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("MADOGUCHI_DB_POOL_MIN", default=2),
            "max_size": env.int("MADOGUCHI_DB_POOL_MAX", default=20),
            "timeout": env.int("MADOGUCHI_DB_POOL_TIMEOUT", default=10),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "madoguchi.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing
                # half-way; WAL lets readers go on while one request writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Abuse of the public pages (config/ratelimit.py, reservations/limits.py). The count of the per-address
# limit lives in this cache: redis://… shares it between app servers; without it each process counts alone.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("MADOGUCHI_CACHE_URL")}
        if env.str("MADOGUCHI_CACHE_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE = env.int("MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE", default=600)  # 0: off
MADOGUCHI_BOOKINGS_PER_PHONE = env.int("MADOGUCHI_BOOKINGS_PER_PHONE", default=2)
MADOGUCHI_BOOKINGS_PER_ADDRESS_PER_HOUR = env.int("MADOGUCHI_BOOKINGS_PER_ADDRESS_PER_HOUR", default=5)

# --- Real time (display boards, wait status): memory:// in one process; redis://… or postgres:// for several.
MADOGUCHI_BROADCAST_URL = env.str("MADOGUCHI_BROADCAST_URL", default="memory://")

# --- Effect simulations started from the web run inside a task worker thread of the server: by default in
# that one process (forking a threaded server is unsafe). 0 uses every core (for `madoguchi worker` only).
MADOGUCHI_SIMULATION_WORKERS = env.int("MADOGUCHI_SIMULATION_WORKERS", default=1)

# --- Staff accounts and sessions.
AUTH_USER_MODEL = "staff.Staff"
# django-axes first: a locked account or address is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "madoguchi.staff.backends.StaffBackend"]
# Sign-in throttling (staff/throttling.py): after this many failures an account, and separately a source
# address, is refused for this many minutes; a success clears the account's count.
AXES_FAILURE_LIMIT = env.int("MADOGUCHI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("MADOGUCHI_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log already
AXES_CLIENT_IP_CALLABLE = "madoguchi.staff.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "madoguchi.staff.throttling.locked_out"
AXES_VERBOSE = False
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"
# The password policy, checked wherever a password is set (staff/actions.py, `madoguchi createsuperuser`
# and `changepassword`): not like the login ID or name, long enough, not a common one, not only digits.
MADOGUCHI_PASSWORD_MIN_LENGTH = env.int("MADOGUCHI_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": MADOGUCHI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Second factor (django-otp, TOTP; staff/second_factor.py): anyone may enrol an authenticator app at
# /staff/2fa/; whoever has one types its code after the password, and the admin areas refuse a session
# signed in without it. With MADOGUCHI_ADMIN_2FA_REQUIRED an administrator must enrol before using them.
MADOGUCHI_ADMIN_2FA_REQUIRED = env.bool("MADOGUCHI_ADMIN_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "madoguchi"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, the next is checked 2^(n-1) seconds later
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # nobody reads another person's TOTP secret in the admin
# Idle timeout: a counter terminal left alone logs out. A signed-in session is renewed at most once a
# minute (staff.middleware.SessionRenewalMiddleware), not written on every request.
SESSION_COOKIE_AGE = env.int("MADOGUCHI_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages can name a resident, a field's value or an address: kept in the server-side session,
# never in a cookie the browser stores (Django's default puts them in a `messages` cookie first).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- HTTPS: behind the city's reverse proxy in production.
HTTPS = env.bool("MADOGUCHI_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("MADOGUCHI_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Browser policies of every page (ui/headers.py). No inline script or style anywhere: only the app's
# own vendored files. A view that needs more relaxes them for itself (ui.headers.extend_csp,
# relax_permissions; a video consultation page: camera and microphone).
MADOGUCHI_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Device features no page uses, off (an empty allowlist).
MADOGUCHI_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# --- Language and time: Japanese first, English available; store UTC, show Asia/Tokyo.
LANGUAGE_CODE = "ja"
# やさしい日本語 (plain Japanese, after the 2020 guideline of 出入国在留管理庁・文化庁) for residents: the
# resident's pages are translated into it; a page without its translation shows the standard Japanese.
LANGUAGES = [("ja", "日本語"), ("en", "English"), ("ja-easy", "やさしい日本語")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static files: vendored into the package and served by ServeStatic (ASGI). Nothing from outside.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by `madoguchi collectstatic` in production
STATIC_ROOT.mkdir(exist_ok=True)
SERVESTATIC_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedStaticFilesStorage"},
}

# --- Logging: one JSON object per line on stderr, ready for the city's log collector.
LOG_LEVEL = env.str("MADOGUCHI_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("MADOGUCHI_LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "madoguchi.config.logging.JsonFormatter"},
        "text": {"()": "madoguchi.config.logging.ReadableFormatter"},
    },
    "filters": {"database_errors": {"()": "madoguchi.config.logging.DatabaseErrorDetailFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["database_errors"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "uvicorn.access": {"level": "WARNING"},
    },
}

# --- The installation's city (shown in the header). Policy choices of the city are data, not settings.
CITY_NAME_JA = env.str("MADOGUCHI_CITY_NAME_JA", default="みなと市")
CITY_NAME_EN = env.str("MADOGUCHI_CITY_NAME_EN", default="Minato City")
# 全国地方公共団体コード (6 digits): a preparation for another city is refused at the counter.
MADOGUCHI_CITY_CODE = env.str("MADOGUCHI_CITY_CODE", default="121002")

# --- Preparation (madoguchi/preparation): how a prepared visit crosses to the counter. `carry`: the whole
# preparation inside the QR code, sealed to the counter; `reference`: a short code for a draft kept here.
MADOGUCHI_PREPARATION_MODE = env.str("MADOGUCHI_PREPARATION_MODE", default="carry")
MADOGUCHI_PREPARATION_DAYS = env.int("MADOGUCHI_PREPARATION_DAYS", default=30)  # a code expires after
# Keys (madoguchi/preparation/keys.py; `madoguchi preparation keys` makes a set). The counter side holds the
# opening keys and the issuer's public keys; the resident-facing side the sealing and signing keys. Unset:
# one embedded set under var/, for an installation that is both sides.
MADOGUCHI_PREPARATION_OPENING_KEYS = env.str("MADOGUCHI_PREPARATION_OPENING_KEYS", default="")
MADOGUCHI_PREPARATION_ISSUER_KEYS = env.str("MADOGUCHI_PREPARATION_ISSUER_KEYS", default="")
MADOGUCHI_PREPARATION_SEALING_KEY = env.str("MADOGUCHI_PREPARATION_SEALING_KEY", default="")
MADOGUCHI_PREPARATION_SIGNING_KEY = env.str("MADOGUCHI_PREPARATION_SIGNING_KEY", default="")

# --- The core-system adapter (madoguchi/registry/adapter.py): a dotted path to the `Registry` class that
# reads the city's 住民記録・印鑑登録・税; the default is the simulated core system (synthetic population).
MADOGUCHI_REGISTRY = env.str("MADOGUCHI_REGISTRY", default="madoguchi.registry.adapter.SimulatedRegistry")
# --- Certificates (madoguchi/certificates/keys.py): the city's issuing key and its certificate (PEM), the
# secret of the printed verification codes (base64), and the simulated cards' test CA. Unset: one set made
# once under var/certificate_keys.json. A city sets the first three from its own PKI.
MADOGUCHI_CERTIFICATE_ISSUING_KEY = env.str("MADOGUCHI_CERTIFICATE_ISSUING_KEY", default="")
MADOGUCHI_CERTIFICATE_ISSUING_CERT = env.str("MADOGUCHI_CERTIFICATE_ISSUING_CERT", default="")
MADOGUCHI_CERTIFICATE_CODE_SECRET = env.str("MADOGUCHI_CERTIFICATE_CODE_SECRET", default="")
MADOGUCHI_CERTIFICATE_CARD_CA_KEY = env.str("MADOGUCHI_CERTIFICATE_CARD_CA_KEY", default="")
MADOGUCHI_CERTIFICATE_CARD_CA_CERT = env.str("MADOGUCHI_CERTIFICATE_CARD_CA_CERT", default="")
MADOGUCHI_CERTIFICATE_CARD_SECRET = env.str("MADOGUCHI_CERTIFICATE_CARD_SECRET", default="")

# --- Remote consultation (madoguchi/remote): the city's own TURN servers (coturn, deploy/turnserver.conf)
# and the secret shared with them (coturn's static-auth-secret); madoguchi mints credentials valid for
# TURN_TTL seconds. Unset: no ICE server at all (host candidates, enough on a flat network). Never a public
# STUN or TURN. RELAY_ONLY makes the browsers send media through TURN only (a network that forbids direct
# paths between segments).
MADOGUCHI_TURN_URLS = env.list("MADOGUCHI_TURN_URLS", default=[])
MADOGUCHI_TURN_SECRET = env.str("MADOGUCHI_TURN_SECRET", default="")
MADOGUCHI_TURN_TTL_SECONDS = env.int("MADOGUCHI_TURN_TTL_SECONDS", default=4 * 3600)
MADOGUCHI_TURN_RELAY_ONLY = env.bool("MADOGUCHI_TURN_RELAY_ONLY", default=False)
# Staff pages beat every BEAT seconds; a page is gone 3 beats after its last (madoguchi/remote/presence.py).
MADOGUCHI_PRESENCE_BEAT_SECONDS = env.float("MADOGUCHI_PRESENCE_BEAT_SECONDS", default=4.0)
# An offer rings one expert this long before it passes to the next; after FALLBACK seconds of waiting the
# branch is offered a call-back appointment.
MADOGUCHI_CONSULTATION_OFFER_SECONDS = env.float("MADOGUCHI_CONSULTATION_OFFER_SECONDS", default=20.0)
MADOGUCHI_CONSULTATION_FALLBACK_SECONDS = env.float("MADOGUCHI_CONSULTATION_FALLBACK_SECONDS", default=300.0)
# Whether documents shown on the document camera may be captured into the case (and then only with the
# resident's consent, recorded per consultation). Off unless the city turns it on.
MADOGUCHI_CONSULTATION_CAPTURES = env.bool("MADOGUCHI_CONSULTATION_CAPTURES", default=False)

# --- My Number encryption keys (Fernet, comma-separated, first encrypts). See madoguchi/cases/crypto.py.
MY_NUMBER_KEYS = env.str("MADOGUCHI_MY_NUMBER_KEYS", default="")

# The audit chain's witness: an append-only file outside the database (see madoguchi/audit/witness.py).
MADOGUCHI_AUDIT_WITNESS = env.str("MADOGUCHI_AUDIT_WITNESS", default=str(VAR_DIR / "audit-witness.log"))
# How often the task workers seal new audit entries into the chain.
MADOGUCHI_AUDIT_SEAL_SECONDS = env.float("MADOGUCHI_AUDIT_SEAL_SECONDS", default=1.0)

# --- Background tasks (madoguchi/tasks): worker threads inside `madoguchi serve` (0: none, run
# `madoguchi worker` instead), and how long a running task may go without a heartbeat before it is
# taken back from a worker presumed dead.
MADOGUCHI_TASK_WORKERS = env.int("MADOGUCHI_TASK_WORKERS", default=1)
MADOGUCHI_TASK_STALE_SECONDS = env.int("MADOGUCHI_TASK_STALE_SECONDS", default=300)

# --- Operations inventories uploaded on /screening/: the largest file (bytes; nginx's
# client_max_body_size in deploy/ allows a little more, so that the page itself answers 413) and the most
# rows after the header (a city has a few thousand operations; Chiba screened 762).
MADOGUCHI_INVENTORY_MAX_BYTES = env.int("MADOGUCHI_INVENTORY_MAX_BYTES", default=10 * 1024 * 1024)
MADOGUCHI_INVENTORY_MAX_ROWS = env.int("MADOGUCHI_INVENTORY_MAX_ROWS", default=20_000)
# The largest request body `madoguchi serve` reads at all (the inventory and its form, as nginx's
# client_max_body_size): a longer one is answered 413 before it reaches a disk or a view.
MADOGUCHI_MAX_REQUEST_BYTES = env.int(
    "MADOGUCHI_MAX_REQUEST_BYTES", default=MADOGUCHI_INVENTORY_MAX_BYTES + 1024 * 1024
)

# --- Notifications (madoguchi/notifications): one backend class per channel. The console backend
# (the default) prints each message; production names EmailBackend and WebhookSmsBackend.
_CONSOLE_BACKEND = "madoguchi.notifications.backends.ConsoleBackend"
MADOGUCHI_NOTIFICATION_BACKENDS = {
    "email": env.str("MADOGUCHI_EMAIL_BACKEND_CLASS", default=_CONSOLE_BACKEND),
    "sms": env.str("MADOGUCHI_SMS_BACKEND_CLASS", default=_CONSOLE_BACKEND),
}
MADOGUCHI_SMS_WEBHOOK_URL = env.str("MADOGUCHI_SMS_WEBHOOK_URL", default="")
MADOGUCHI_SMS_WEBHOOK_TIMEOUT = env.float("MADOGUCHI_SMS_WEBHOOK_TIMEOUT", default=10.0)

# --- E-mail (used by notifications.backends.EmailBackend through Django's send_mail).
DEFAULT_FROM_EMAIL = env.str("MADOGUCHI_DEFAULT_FROM_EMAIL", default="madoguchi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.str("MADOGUCHI_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("MADOGUCHI_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("MADOGUCHI_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("MADOGUCHI_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("MADOGUCHI_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("MADOGUCHI_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("MADOGUCHI_EMAIL_TIMEOUT", default=10)
