"""Houqin settings. Everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HOUQIN_VAR_DIR", Path.cwd() / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _secret_key():
    """SECRET_KEY from the environment, else one generated once into var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "houqin.core",
    "houqin.assets",
    "houqin.maintenance",
    "houqin.stock",
    "houqin.procurement",
    "houqin.canteen",
    "houqin.safety",
    "houqin.finance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "houqin.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "houqin.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "houqin.core.middleware.SessionRenewalMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "houqin.core.middleware.SchoolMiddleware",
    "houqin.core.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "houqin.urls"
WSGI_APPLICATION = "houqin.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "houqin.core.context_processors.houqin",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default (one file under var/), PostgreSQL through DATABASE_URL.
SQLITE_PATH = VAR_DIR / "houqin.sqlite3"
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=30000; PRAGMA cache_size=-20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
# Lock an account+address pair out for an hour after 5 failed logins: the attacker's address is
# locked out of that account, the staff signing in from elsewhere are not.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "houqin.core.views.auth.locked_out"
# The address is the client's, read through the trusted proxies only (see below): behind nginx
# the connecting address is nginx's for everybody, and one attacker would lock out the school.
AXES_CLIENT_IP_CALLABLE = "houqin.core.middleware.client_address"
AXES_VERBOSE = False
# Staff sessions end after 4 to 8 idle hours and when the browser closes: a read writes no
# session row, the session is renewed once half its age has passed (SessionRenewalMiddleware).
SESSION_COOKIE_AGE = 8 * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "Houqin 后勤"
# API tokens expire after this many days without use (and die with the password, see core/tokens.py).
HOUQIN_TOKEN_IDLE_DAYS = int(os.environ.get("HOUQIN_TOKEN_IDLE_DAYS", 30))

# --- Security (production values when DEBUG is off) -----------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = _env_bool("HOUQIN_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and _env_bool("HOUQIN_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed:
# the nginx of deploy/ on the same host is 127.0.0.1. None by default: the connecting address is
# the client's, and a client's own X-Forwarded-For is ignored (core.middleware.client_address).
HOUQIN_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("HOUQIN_TRUSTED_PROXIES", "").split(",") if p.strip()]
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["houqin.formats"]  # dates as 2026-12-06 on every page and in every form

# --- Files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own assets and vendor/ (not an app directory)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: attachments go through a scoped view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
ATTACHMENT_MAX_BYTES = int(os.environ.get("HOUQIN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Excel imports (core/importer.py): an upload's size; what it may inflate to, in all and per
# member (a zip bomb); the rows and columns a sheet may declare or be read to (an import bomb:
# a small file declaring millions of empty rows is refused before it is parsed).
HOUQIN_IMPORT_MAX_BYTES = int(os.environ.get("HOUQIN_IMPORT_MAX_BYTES", 30 * 1024 * 1024))
HOUQIN_IMPORT_MAX_UNZIPPED = int(os.environ.get("HOUQIN_IMPORT_MAX_UNZIPPED", 512 * 1024 * 1024))
HOUQIN_IMPORT_MAX_RATIO = int(os.environ.get("HOUQIN_IMPORT_MAX_RATIO", 100))
HOUQIN_IMPORT_MAX_ROWS = int(os.environ.get("HOUQIN_IMPORT_MAX_ROWS", 200_000))
HOUQIN_IMPORT_MAX_COLUMNS = int(os.environ.get("HOUQIN_IMPORT_MAX_COLUMNS", 200))

# --- Background work (imports) -------------------------------------------
# Django's tasks API with the database backend: the queue is a table, worked by the
# `db_worker` that `houqin serve` starts beside gunicorn. A Celery backend is a setting away.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail (optional notification channel) ------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "houqin@localhost")
HOUQIN_EMAIL_ENABLED = _env_bool("HOUQIN_EMAIL_ENABLED")
# The group robot is called over https at public addresses only; internal relays trusted by
# the administrator are listed here (comma-separated host names or addresses; http allowed).
HOUQIN_WEBHOOK_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HOUQIN_WEBHOOK_ALLOWED_HOSTS", "").split(",")
                                if h.strip()]

# --- API ------------------------------------------------------------------
# The blank choice of the list filters reads 全部, not django-filter's “---------”.
FILTERS_EMPTY_CHOICE_LABEL = "全部"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "houqin.core.api.authentication.HashedTokenAuthentication",
        "houqin.core.api.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["houqin.core.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "houqin.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "houqin.core.api.exceptions.exception_handler",
    # The token endpoint, per client address and per username asked for.
    "DEFAULT_THROTTLE_RATES": {"token": "20/min", "token_user": "10/min"},
    # DRF's three, with a JSON parser that refuses bodies no field can use (too deep, 1e309, \ud800)
    "DEFAULT_PARSER_CLASSES": ["houqin.core.api.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Houqin 后勤 API",
    "DESCRIPTION": ("学校后勤管理系统 API. Token auth: POST /api/v1/auth/token/ (username, password and, "
                    "for two-factor users, otp); then `Authorization: Token <token>`."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several serializers under the same field name need a fixed name.
    "ENUM_NAME_OVERRIDES": {"ApprovalStatusEnum": "houqin.core.choices.ApprovalStatus",
                            "StockItemCategoryEnum": "houqin.stock.choices.ItemCategory",
                            "RepairCategoryEnum": "houqin.maintenance.choices.Category",
                            "MealKindEnum": "houqin.canteen.choices.MealKind",
                            "KitchenCheckKindEnum": "houqin.canteen.choices.CheckKind",
                            "HazardEventKindEnum": "houqin.safety.choices.HazardEventKind",
                            "GateEntryKindEnum": "houqin.safety.choices.EntryKind",
                            "SafetyCheckKindEnum": "houqin.safety.choices.CheckKind",
                            "FinanceCategoryEnum": "houqin.finance.choices.Category"},
}

SILENCED_SYSTEM_CHECKS = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
