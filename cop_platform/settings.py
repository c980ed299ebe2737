"""Settings for the community-of-practice platform.

Every value comes from an environment variable with a safe development default, so that
`make run` works on a fresh machine with no services (SQLite, tasks in process, e-mail to
the console) and production sets only what it must. See README.md, "Configuration".
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Newsletters and digests count link clicks and archive opens in aggregate (no per-person data);
# set NEWSLETTER_COUNT_CLICKS=0 to stop counting (links keep working).
NEWSLETTER_COUNT_CLICKS = env_bool("NEWSLETTER_COUNT_CLICKS", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Practice Commons")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "cop_platform.admin_site.SiteAdminConfig",  # django.contrib.admin, log-in through allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "django_htmx",
    "taggit",
    "cop_platform",
    "cop_platform.accounts",
    "communities",
    "forums",
    "hotseats",
    "newsletters",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cop_platform.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page and 304 for an unchanged one (feeds also carry Last-Modified).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cop_platform.accounts.middleware.RequireMFAMiddleware",
    "cop_platform.accounts.middleware.UserTimezoneMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "cop_platform.pagecache.WritesDatePagesMiddleware",
]

ROOT_URLCONF = "cop_platform.urls"
WSGI_APPLICATION = "cop_platform.wsgi.application"

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
                "cop_platform.context_processors.site",
                "communities.context_processors.my_communities",
                "newsletters.context_processors.notifications",
            ],
            # Presentation filters (`ago`, `when`) every template may use without {% load %}.
            "builtins": ["cop_platform.templatetags.ui"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the identity, and it must be verified before first sign-in.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "cop_platform.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "cop_platform.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
# Sign-up and password reset never say whether an address has an account: the page is the same
# and the owner (or the unknown address) gets an e-mail instead; the adapter makes both paths
# do the same work (tests/security/test_enumeration.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# Two-factor authentication (allauth.mfa), offered to everyone: an authenticator app (TOTP),
# recovery codes and security keys (WebAuthn). Required for staff and facilitators of closed
# communities (cop_platform.accounts.middleware.RequireMFAMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # security keys on http://localhost in development
MFA_REQUIRED_FOR_PRIVILEGED = env_bool("MFA_REQUIRED_FOR_PRIVILEGED", True)
# Signed-in sessions listed on the account page, with "sign out other sessions".
USERSESSIONS_TRACK_ACTIVITY = False  # True would cost queries on every request

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
# Our wording for allauth's pages (sentence case) lives in locale/en_GB; see its django.po.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files on S3-compatible object storage (AWS S3, MinIO, Scaleway, ...) through
# django-storages (`pip install .[s3]`) when a bucket is configured; local files otherwise. Files
# stay private: downloads still go through the views that ask the policy first.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
# Uploaded files live outside the static tree and are only served through views that ask
# the policy first (see communities/views for downloads).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served-directly/"

# --- Redis: cache, rate limits and the Celery broker -------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "cop_platform.rediscache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions read from Redis (written through to the database), so a signed-in page costs no
# session query. Signed-out pages of open communities are cached whole (cop_platform/pagecache.py).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "120"))
# A signed-in member's own copy of a community page (cop_platform/pagecache.py); 0 renders each view.
MEMBER_PAGE_CACHE_SECONDS = int(os.environ.get("MEMBER_PAGE_CACHE_SECONDS", str(PAGE_CACHE_SECONDS)))
# The community dashboard's figures, per period and time zone, until the community changes
# (communities.insight.cached_dashboard); 0 computes them on every request.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "120"))

RATELIMIT_VIEW = "cop_platform.views.rate_limited"
# Development runs one process, where a local-memory cache is a correct shared cache.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The activity log's covering index (INCLUDE columns) speeds up dashboards on PostgreSQL;
    # SQLite builds it as a plain index, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host keeps kombu from warning at start-up
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
# Redis re-delivers a task not acknowledged within the visibility timeout (acks_late), and a
# task waiting for its countdown/ETA is held unacknowledged by the worker. So the timeout must
# exceed the longest countdown we use: e-mail retries back off to EMAIL_RETRY_MAX (30 min)
# with up to +50% jitter = 45 min (newsletters.sending.max_countdown(); a test checks it).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}
# Three queues so that a slow job never delays another kind: e-mail, text extraction from
# uploaded files (CPU-heavy, seconds each), and the rest. One worker may serve all three
# (`make worker`); docker-compose runs one worker per queue (docs/deployment.md).
CELERY_TASK_ROUTES = {
    "newsletters.tasks.*": {"queue": "email"},
    "communities.tasks.extract_version_text": {"queue": "extraction"},
}
CELERY_BEAT_SCHEDULE = {}
# Hot seats open and close on time (pages compute the state from the times anyway), and each
# expert gets the day's new questions once a day, at about 08:00 in their own time zone.
# The facilitator's nudge queue is rebuilt early each morning; outcomes settle every hour.
CELERY_BEAT_SCHEDULE["nudge-queues"] = {
    "task": "communities.tasks.build_nudge_queues",
    "schedule": crontab(minute=30, hour=6),
}
CELERY_BEAT_SCHEDULE["nudge-outcomes"] = {
    "task": "communities.tasks.settle_nudge_outcomes",
    "schedule": 3600.0,
}
# Admins hear when a community has lost its last active facilitator (communities.health).
CELERY_BEAT_SCHEDULE["facilitator-check"] = {
    "task": "communities.tasks.check_facilitators",
    "schedule": crontab(minute=15, hour=7),
}
# Badges (communities.recognition): a few queries per kind, whatever the data.
CELERY_BEAT_SCHEDULE["award-badges"] = {
    "task": "communities.tasks.award_badges",
    "schedule": crontab(minute=40),
}
CELERY_BEAT_SCHEDULE["hotseats-advance"] = {"task": "hotseats.tasks.advance_hotseats", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["hotseats-expert-daily"] = {
    "task": "newsletters.hotseat_emails.send_expert_daily_emails",
    "schedule": 15 * 60.0,
}

# --- E-mail --------------------------------------------------------------------------
_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# For EMAIL_URL=file://, where to write messages (dj-email-url cannot carry an absolute path).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <community@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sending engine (newsletters/sending/): tries per message, retry backoff, the daily cap
# on optional e-mail (digests + immediate notifications; over it notifications wait for the
# next digest).
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "5"))
EMAIL_RETRY_BASE = int(os.environ.get("EMAIL_RETRY_BASE", "30"))  # seconds; tests shorten it
EMAIL_RETRY_MAX = 30 * 60
EMAIL_OPTIONAL_DAILY_CAP = int(os.environ.get("EMAIL_OPTIONAL_DAILY_CAP", "10"))
# Reply by e-mail: notification e-mails about threads and hot seats carry
# reply+<signed>@REPLY_EMAIL_DOMAIN (unset: no reply address). Route that domain's mail to
# `manage.py receive_email` (a Postfix pipe) or to the Postmark inbound webhook.
REPLY_EMAIL_DOMAIN = os.environ.get("REPLY_EMAIL_DOMAIN", "")
REPLY_EMAIL_PREFIX = os.environ.get("REPLY_EMAIL_PREFIX", "reply")
# django-anymail's Postmark webhooks (bounces, complaints, inbound replies) authenticate with
# HTTP basic auth "user:password" set in Postmark's webhook URL. Without the variable the
# endpoints refuse every request (a random secret nobody knows), rather than trust anyone.
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET")
    or f"disabled:{__import__('secrets').token_urlsafe(24)}",
    "POSTMARK_SERVER_TOKEN": os.environ.get("POSTMARK_SERVER_TOKEN", ""),
}
# Where people write when something goes wrong (linked from the sign-up and password pages).
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "help@localhost")

# Newsletters: digests at 07:00 UTC (weekly on Mondays), scheduled issues, stalled sends.
CELERY_BEAT_SCHEDULE.update(
    {
        "daily-digest": {
            "task": "newsletters.tasks.send_digests",
            "schedule": crontab(minute=0, hour=7),
            "args": ["daily"],
        },
        "weekly-digest": {
            "task": "newsletters.tasks.send_digests",
            "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
            "args": ["weekly"],
        },
        "scheduled-newsletters": {"task": "newsletters.tasks.send_due_issues", "schedule": 60.0},
        "stalled-newsletters": {"task": "newsletters.tasks.resume_stalled_issues", "schedule": 300.0},
    }
)
# Sponsors' quarterly report (newsletters/sources/communities/sponsor_reports.py): daily, once per sponsor and quarter.
CELERY_BEAT_SCHEDULE["sponsor-reports"] = {
    "task": "newsletters.sponsor_reports.send_sponsor_reports",
    "schedule": crontab(minute=20, hour=8),
}
# Calendar: reminders the day before meetings and hot seats (once per member and event).
CELERY_BEAT_SCHEDULE["event-reminders"] = {
    "task": "newsletters.calendar_reminders.send_event_reminders",
    "schedule": 15 * 60.0,
}

# --- Security (production) -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


def content_security_policy(report_only):
    """(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY) for django-csp 4.

    Strict: scripts, styles, images, fonts and fetches from this site only; no inline script or
    style anywhere (templates put code in static/js and looks in static/css); nothing may frame
    us; no plugins; forms post only here. `CSP_REPORT_ONLY=true` sends the same policy as
    Content-Security-Policy-Report-Only instead, to try a change on a live site without breaking
    it; `CSP_REPORT_URI` names where browsers send violation reports."""
    from csp.constants import NONE, SELF

    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
    if os.environ.get("CSP_REPORT_URI"):
        directives["report-uri"] = [os.environ["CSP_REPORT_URI"]]
    policy = {"DIRECTIVES": directives}
    return (None, policy) if report_only else (policy, None)


CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(
    env_bool("CSP_REPORT_ONLY", False)
)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens never reach a log (cop_platform/logredact.py); a bad Host header is one line.
    "filters": {
        "redact": {"()": "cop_platform.logredact.RedactTokens"},
        "one_line": {"()": "cop_platform.logredact.OneLine"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["redact"]},
        "django.server": {"filters": ["redact"]},
        "django.security.DisallowedHost": {"filters": ["one_line", "redact"]},
        "django.db.backends": {"level": "WARNING"},
        # Django gives its logger a console handler of its own; through the root's it printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # In-process tasks (no REDIS_URL) would log every task run into the runserver console.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}

# --- Product limits ----------------------------------------------------------------------
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# First-day accounts: a few threads and a pause between replies (forums.services.posting).
NEW_ACCOUNT_LIMITS = env_bool("NEW_ACCOUNT_LIMITS", True)
# The security audit trail (accounts.SecurityEvent) keeps events this long; purged daily.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
CELERY_BEAT_SCHEDULE["purge-security-events"] = {
    "task": "cop_platform.accounts.tasks.purge_security_events",
    "schedule": crontab(minute=30, hour=3),
}
# Text extraction runs in a child process with these limits (communities/extract.py).
EXTRACT_TIME_LIMIT = int(os.environ.get("EXTRACT_TIME_LIMIT", "60"))  # seconds
EXTRACT_MEMORY_LIMIT = int(os.environ.get("EXTRACT_MEMORY_LIMIT", str(768 * 1024 * 1024)))  # bytes

# Tags are separated by commas only: "benefits realisation" is one tag, not two.
TAGGIT_TAGS_FROM_STRING = "cop_platform.tags.comma_splitter"
TAGGIT_STRING_FROM_TAGS = "cop_platform.tags.comma_joiner"
