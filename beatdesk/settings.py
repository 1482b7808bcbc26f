"""Beatdesk's one settings module.

Everything a deployment changes comes from ``BEATDESK_*`` environment variables, read through
the typed helpers below. Defaults are safe for a laptop: SQLite in ``./beatdesk-data``. With
``BEATDESK_DEBUG`` off (the default) a real secret key is required and checked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(f"BEATDESK_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(f"BEATDESK_{name}")
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"BEATDESK_{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"BEATDESK_{name}")
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BEATDESK_{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("DATA_DIR", "beatdesk-data")).resolve()

DEBUG = env_bool("DEBUG", False)
# Under pytest the suite supplies its own databases and a throwaway key.
TESTING = env_bool("TESTING", "pytest" in sys.modules)

_INSECURE_KEY_PREFIX = "insecure-local-only-"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _INSECURE_KEY_PREFIX + "beatdesk-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "BEATDESK_SECRET_KEY is not set. Production needs a long random secret key, for "
            "example from: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For local use only, set BEATDESK_DEBUG=true instead."
        )
elif not DEBUG and not TESTING and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "BEATDESK_SECRET_KEY is too weak: use at least 50 characters of random text."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "beatdesk.core.apps.BeatdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "beatdesk.core",
    "beatdesk.audit",
    "beatdesk.forces",
    "beatdesk.people",
    "beatdesk.jobs",
    "beatdesk.networks",
    "beatdesk.publishing",
    "beatdesk.inbox",
    "beatdesk.qa",
    "beatdesk.hub",
    "beatdesk.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the Host header: a load balancer asks by the server's address.
    "beatdesk.jobs.middleware.HealthzMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "beatdesk.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "beatdesk.urls"
WSGI_APPLICATION = "beatdesk.wsgi.application"
ASGI_APPLICATION = "beatdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beatdesk.core.context_processors.desk",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'beatdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers from several processes taking turns promptly.
    DATABASES["default"]["ENGINE"] = "beatdesk.core.sqlite"
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the hub read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # In memory unless named (":memory:" said outright: test runners read it before Django).
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME") or ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:desk-home"
LOGOUT_REDIRECT_URL = "people:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost matters nothing in tests and dominates persona set-up.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_DIR") or (DATA_DIR / "media"))
# Uploaded images are re-encoded before storage; a reverse proxy may serve /media/ instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
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
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "beatdesk",
    }
}
if env_str("CACHE_URL").startswith("redis://"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL"),
    }

# Sessions: 30 minutes idle (the cookie is refreshed on every request), 12 hours absolute
# (enforced by RequestContextMiddleware from the login time stored in the session).
SESSION_COOKIE_AGE = 30 * 60
# The idle expiry is renewed by RequestContextMiddleware at most once a minute, not by saving
# the session on every request; so an idle session ends 29 to 30 minutes after its last use.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

HTTPS = env_bool("HTTPS", not DEBUG and not TESTING)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    # A load balancer asks the web server itself, over plain HTTP, whether it is well.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The force whose hub "/" shows; empty means "the only force, or a list of forces".
DEFAULT_FORCE = env_str("DEFAULT_FORCE")

# The worker's idle poll interval in seconds.
WORKER_POLL_SECONDS = float(env_str("WORKER_POLL_SECONDS", "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The public hub and the read API (docs/architecture.md, "The public hub and the read API").
# How often each web process re-reads a force's content version: a change shows within this.
HUB_FRESHNESS_SECONDS = float(env_str("HUB_FRESHNESS_SECONDS", "0" if TESTING else "0.25"))
# The longest a rendered page is kept when no post changed (officer bios, district names).
HUB_PAGE_SECONDS = env_int("HUB_PAGE_SECONDS", 60)
# Off under tests so every app's tests see the database; the hub's own tests turn it on.
HUB_PAGE_CACHE = env_bool("HUB_PAGE_CACHE", not TESTING)
HUB_FAST_PATH = env_bool("HUB_FAST_PATH", True)
# The longest the fast path answers from a copy before asking Django (and its cache) again.
HUB_FAST_PATH_SECONDS = float(env_str("HUB_FAST_PATH_SECONDS", "10"))
# Read API requests per client (django-ratelimit's syntax: 600/m, 20/s).
API_RATE = env_str("API_RATE", "600/m")
# ============================================================================================
# Security: login, two-factor, single sign-on, brute force, rate limits, logging redaction.
# (Kept in one block so it merges cleanly; see docs/architecture.md, "Security".)
# ============================================================================================
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
]


def _insert_after(items: list[str], anchor: str, *new: str) -> None:
    index = items.index(anchor) + 1
    items[index:index] = list(new)


_insert_after(
    MIDDLEWARE,
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "beatdesk.people.middleware.TwoFactorMiddleware",
)
# Axes turns a locked-out login into its lockout page; it must run last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

AUTHENTICATION_BACKENDS = [
    "beatdesk.people.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Breached passwords: an offline list shipped with the code (no password leaves the server).
AUTH_PASSWORD_VALIDATORS.append({"NAME": "beatdesk.people.passwords.BreachedPasswordValidator"})

# Two-factor authentication (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Beatdesk")
# How long a password confirmation lets an officer do sensitive things (connect a network
# account, change roles, export data, change two-factor settings).
REAUTH_WINDOW_SECONDS = env_int("REAUTH_WINDOW_SECONDS", 5 * 60)

# Passkeys and security keys (WebAuthn, django-otp-webauthn) as a second factor. The relying
# party ID is the desk's domain name; keys added under one ID work only there. Unset, it is the
# host name of the request (checked against ALLOWED_HOSTS), and the allowed origin is the
# request's own scheme and host: right for one desk address (and for localhost). Set both when
# the desk has several names or sits behind a proxy that rewrites the host.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS")
OTP_WEBAUTHN_RP_ID_CALLABLE = "beatdesk.people.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_HELPER_CLASS = "beatdesk.people.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOWED_ORIGINS = WEBAUTHN_ORIGINS
# A second factor only: a key never signs anyone in without their password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
SILENCED_SYSTEM_CHECKS = []
if not WEBAUTHN_ORIGINS:
    # "No allowed origins configured": PasskeyHelper uses the request's own origin instead.
    SILENCED_SYSTEM_CHECKS.append("otp_webauthn.E030")

# Brute force (django-axes): a soft lock per account and, separately, per client address,
# after 10 failures; it lifts by itself after the cool-off.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "beatdesk.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "beatdesk.people.views.locked_out"
AXES_VERBOSE = False

# Single sign-on with OpenID Connect (Microsoft Entra ID); off unless a client id is set.
# See docs/sso.md.
OIDC_ENABLED = bool(env_str("OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("beatdesk.people.sso.OfficerOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email profile"
    _oidc_tenant = env_str("OIDC_TENANT")
    _oidc_base = f"https://login.microsoftonline.com/{_oidc_tenant}" if _oidc_tenant else ""
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
        "OIDC_AUTHORIZATION_ENDPOINT", f"{_oidc_base}/oauth2/v2.0/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", f"{_oidc_base}/oauth2/v2.0/token")
    OIDC_OP_USER_ENDPOINT = env_str(
        "OIDC_USER_ENDPOINT", "https://graph.microsoft.com/oidc/userinfo"
    )
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", f"{_oidc_base}/discovery/v2.0/keys")
    OIDC_CREATE_USER = False  # officers are matched, never created (see OfficerOIDCBackend)
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = 10
    OIDC_AUTHENTICATION_CALLBACK_URL = "people:sso-callback"
    LOGIN_REDIRECT_URL_FAILURE = "/desk/login/?sso=failed"
# Match SSO identities to officers by "email" or "username" (preferred_username).
OIDC_MATCH_ON = env_str("OIDC_MATCH_ON", "email")

# Public forms and the public API: per-client rate limits (beatdesk.core.ratelimit).
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

# Logs never carry secrets: Authorization headers, tokens, passwords are redacted.
LOGGING["filters"] = {"redact": {"()": "beatdesk.core.logredact.RedactSecretsFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["redact"]

# --- Email ---------------------------------------------------------------------------------
# Answers to the hub's contact form are also emailed to senders who gave an address, when a
# mail server is set (decision 0096); without one they read answers at their private link.
_EMAIL_HOST = env_str("EMAIL_HOST")
if _EMAIL_HOST:
    _EMAIL_PORT = env_int("EMAIL_PORT", 587)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": _EMAIL_PORT,
                "username": env_str("EMAIL_USER"),
                "password": env_str("EMAIL_PASSWORD"),
                # STARTTLS on the submission port, implicit TLS on 465.
                "use_tls": env_bool("EMAIL_STARTTLS", _EMAIL_PORT == 587),
                "use_ssl": env_bool("EMAIL_TLS", _EMAIL_PORT == 465),
                "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    # "A development-only email backend": without a mail server Beatdesk sends no email, on
    # purpose (senders read answers at their private link), as the README says.
    SILENCED_SYSTEM_CHECKS.append("mail.E001")
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "no-reply@localhost")
EMAIL_ANSWERS = bool(_EMAIL_HOST)
# The address the public reaches Beatdesk at, for links in emails (the worker has no request).
PUBLIC_URL = env_str("PUBLIC_URL").rstrip("/")

# --- Network apps -------------------------------------------------------------------------
# The install's own app registrations; each force's admin then connects its accounts from the
# desk. Mastodon needs none (Beatdesk registers itself on each server when connecting).
X_CLIENT_ID = env_str("X_CLIENT_ID")
X_CLIENT_SECRET = env_str("X_CLIENT_SECRET")
FACEBOOK_APP_SECRET = env_str("FACEBOOK_APP_SECRET")
FACEBOOK_VERIFY_TOKEN = env_str("FACEBOOK_VERIFY_TOKEN")
