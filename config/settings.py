"""Settings for the MASH case-management service, all driven by environment variables.

One module for every environment (house style 6.11). `MASH_ENVIRONMENT` answers "which
environment am I in" (`local`, `test` or `production`); secrets have no defaults, so a missing
one stops the service at start-up instead of running with a guessable value.
"""

from pathlib import Path

import environ
from jinja2 import ChainableUndefined

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):  # off in tests of start-up behaviour
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("MASH_ENVIRONMENT", default="production")
IS_PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: must come from the environment
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Which authority's procedures the deployment follows (mash/policy/profiles/<name>.yaml).
MASH_PROFILE = env.str("MASH_PROFILE", default="northamptonshire")
# The service's name in the header; the active profile's name is used when this is empty.
MASH_SERVICE_NAME = env.str("MASH_SERVICE_NAME", default="")
# Extra folders holding further authority profiles: a fourth authority is a file, not code.
MASH_PROFILE_DIRS = env.list("MASH_PROFILE_DIRS", default=[])
# The council's retention rules (ADR 0013); empty: the defaults in mash/dataprotection.
MASH_RETENTION_RULES = env.str("MASH_RETENTION_RULES", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "mash.core",
    "mash.audit",
    "mash.accounts",
    "mash.policy",
    "mash.workdays",
    "mash.people",
    "mash.matching",
    "mash.contacts",
    "mash.sharing",
    "mash.meetings",
    "mash.routing",
    "mash.disputes",
    "mash.dataprotection",
    "mash.api",
    "mash.demo",
    "mash.notifications",
    "mash.alerts",
    "mash.letters",
    "mash.reports",
    "mash.sampling",
    "mash.returns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mash.core.middleware.SecurityHeadersMiddleware",  # outside WhiteNoise: static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mash.core.middleware.RequestIdMiddleware",
    "mash.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,  # <app>/jinja2/
        "OPTIONS": {
            "environment": "mash.core.jinja2_env.environment",
            "undefined": ChainableUndefined,  # the GOV.UK macros assume Nunjucks-style undefined
            "trim_blocks": True,
            "lstrip_blocks": True,
            "autoescape": True,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a write is in progress; the timeout waits for locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A transaction takes the write lock when it starts, so it waits for the lock
            # (the timeout) instead of failing at once when it first writes after reading:
            # the demo's background thread writes beside the web server (ADR 0018).
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "contacts:queue"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AUTH_PASSWORD_VALIDATORS = [
    # NCSC guidance: length over complexity rules, and refuse common passwords.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_build"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outside production, serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "mash.core.views.csrf_failure"  # a GOV.UK page: nothing was saved
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # "Task … succeeded" every few seconds says nothing; failures are still logged.
    "loggers": {
        "celery.app.trace": {"level": env.str("CELERY_TRACE_LOG_LEVEL", default="WARNING")}
    },
}

# The cache holds the sign-in and public-form counters. Per process by default; with several
# processes use a shared one, e.g. CACHE_URL=dbcache://mash_cache (then `mash createcachetable`).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Failed sign-ins per username and address before a 15-minute refusal (0 = no limit).
SIGN_IN_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=10)

# Public forms: submissions per client address per hour before a plain-English refusal.
PUBLIC_FORM_LIMIT_PER_HOUR = env.int("PUBLIC_FORM_LIMIT_PER_HOUR", default=20)

# Partner API: every request needs a per-partner bearer token; rate limits live at the gateway.
MASH_API_IDEMPOTENCY_TTL_HOURS = env.int("MASH_API_IDEMPOTENCY_TTL_HOURS", default=72)

# A database outage answers 503 with this Retry-After (seconds), never a 500 (issue 6 §6).
MASH_DB_RETRY_AFTER_SECONDS = env.int("MASH_DB_RETRY_AFTER_SECONDS", default=30)
# Accounts (ADR 0011). Multi-factor authentication (TOTP) for every staff sign-in; on by
# default in production. Off elsewhere so `make demo` signs in with the README's passwords.
# An empty value counts as unset: a copied .env.example must not switch MFA off.
MASH_MFA_REQUIRED = (
    env.bool("MASH_MFA_REQUIRED") if env.str("MASH_MFA_REQUIRED", default="") else IS_PRODUCTION
)
# Consecutive failed passwords or codes before the account is locked, and for how long
# (0 minutes: until a system administrator unlocks it). Kept in the database.
ACCOUNT_LOCKOUT_THRESHOLD = env.int("ACCOUNT_LOCKOUT_THRESHOLD", default=5)
ACCOUNT_LOCKOUT_MINUTES = env.int("ACCOUNT_LOCKOUT_MINUTES", default=15)
# Signed out after this long without a request; warned this many seconds before.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=180)
MIDDLEWARE += [  # after authentication: they need request.user
    "mash.accounts.middleware.IdleSessionMiddleware",
    "mash.accounts.middleware.KeepTypedInputMiddleware",
    "mash.accounts.middleware.SecondFactorMiddleware",
]
AUTH_PASSWORD_VALIDATORS += [
    # NCSC: allow long passphrases (a cap only stops hashing-cost abuse), and refuse ones
    # built from the service's own words.
    {
        "NAME": "mash.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": "mash.accounts.passwords.ServiceWordsValidator"},
]
# Council single sign-on (OpenID Connect, docs/single-sign-on.md): on only when configured.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
MASH_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if MASH_OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")  # no default: a secret
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_USE_PKCE = True
    OIDC_CREATE_USER = False  # only existing staff accounts; roles come from the groups
    OIDC_STORE_ID_TOKEN = False
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "mash.accounts.oidc.MashOIDCBackend",
    ]
# Which claim holds the groups, and group → "agency-code:ROLE[:team-code]" (semicolons).
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_GROUP_ROLES = env.str("OIDC_GROUP_ROLES", default="")
# Refuse a sign-in whose ID token does not say MFA was done (the `amr` claim contains "mfa").
OIDC_REQUIRE_MFA_CLAIM = env.bool("OIDC_REQUIRE_MFA_CLAIM", default=True)
# Notifications (ADR 0017, 0018): the outbox table is the truth; Celery on Redis runs the
# sending. No MASH_BROKER_URL (the demo): the in-process runner does the same work locally.
MASH_BROKER_URL = env.str("MASH_BROKER_URL", default="")
MASH_BROKER_QUEUE = env.str("MASH_BROKER_QUEUE", default="mash")
# log: a Delivery row (tests); outbox: files you can open (the demo); notify: GOV.UK Notify.
MASH_NOTIFY_ADAPTER = env.str(
    "MASH_NOTIFY_ADAPTER", default="notify" if IS_PRODUCTION else "outbox"
)
# Outcome letters (ADR 0019): folders of a council's own letter templates, searched first.
MASH_LETTER_TEMPLATE_DIRS = env.list("MASH_LETTER_TEMPLATE_DIRS", default=[])
MASH_OUTBOX_DIR = env.str("MASH_OUTBOX_DIR", default=str(BASE_DIR / "var" / "outbox"))
# One Notify email template whose subject is ((subject)) and body ((body)): the service renders
# every email itself (issue 7), so new emails need no new Notify template.
MASH_NOTIFY_EMAIL_TEMPLATE_ID = env.str("MASH_NOTIFY_EMAIL_TEMPLATE_ID", default="")
MASH_NOTIFY_POSTAGE = env.str("MASH_NOTIFY_POSTAGE", default="second")  # first|second|economy
# A secret, so no default: required once the notify adapter is chosen.
MASH_NOTIFY_API_KEY = env.str("MASH_NOTIFY_API_KEY") if MASH_NOTIFY_ADAPTER == "notify" else ""
MASH_NOTIFY_BASE_URL = env.str(
    "MASH_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)
MASH_NOTIFY_TEMPLATE_IDS = env.dict("MASH_NOTIFY_TEMPLATE_IDS", default={})  # key=template id
MASH_NOTIFY_AGENCY_INBOXES = env.dict("MASH_NOTIFY_AGENCY_INBOXES", default={})  # code=address
MASH_NOTIFY_VISIBILITY_TIMEOUT = env.int("MASH_NOTIFY_VISIBILITY_TIMEOUT", default=300)
MASH_NOTIFY_SEND_TIMEOUT = env.int("MASH_NOTIFY_SEND_TIMEOUT", default=300)
MASH_NOTIFY_MAX_ATTEMPTS = env.int("MASH_NOTIFY_MAX_ATTEMPTS", default=8)
MASH_SERVICE_URL = env.str("MASH_SERVICE_URL", default="http://127.0.0.1:8000")  # links in emails
# How often the beat (or the demo's in-process runner) relays the outbox and sweeps deadlines.
MASH_RELAY_SECONDS = env.float("MASH_RELAY_SECONDS", default=5.0)
MASH_SWEEP_SECONDS = env.float("MASH_SWEEP_SECONDS", default=60.0)

# Celery (ADR 0018). Late acks and no prefetch: a worker killed mid-task leaves its message for
# another; the outbox claim makes a repeated delivery task harmless.
CELERY_BROKER_URL = MASH_BROKER_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = MASH_BROKER_QUEUE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": MASH_NOTIFY_VISIBILITY_TIMEOUT,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
# Each periodic task expires after its own interval: after a worker outage the queue holds
# one pass's worth, not hundreds of stale relays (both tasks catch up in one run anyway).
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "mash.notifications.relay",
        "schedule": MASH_RELAY_SECONDS,
        "options": {"expires": MASH_RELAY_SECONDS},
    },
    "sweep-deadlines": {
        "task": "mash.alerts.sweep",
        "schedule": MASH_SWEEP_SECONDS,
        "options": {"expires": MASH_SWEEP_SECONDS},
    },
}
# Deadline alerts (mash.alerts): minutes of warning before a clock's due time, in plain
# wall-clock minutes; per rule as TS-2=60,TS-4=240. Checked at start-up (a negative or
# non-whole number stops the service, naming the setting).
MASH_ALERT_LEAD_MINUTES = env.str("MASH_ALERT_LEAD_MINUTES", default="60")
MASH_ALERT_LEAD_MINUTES_BY_RULE = env.dict("MASH_ALERT_LEAD_MINUTES_BY_RULE", default={})
MASH_ALERT_EMAILS = env.bool("MASH_ALERT_EMAILS", default=False)  # email alerts as well
# A clock overdue longer than this is history, not news: no new alert, no chase (so the first
# sweep after an upgrade does not alert and chase for every old contact).
MASH_ALERT_MAX_AGE_DAYS = env.int("MASH_ALERT_MAX_AGE_DAYS", default=30)
