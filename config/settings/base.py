"""Settings shared by every mode. Everything that differs between machines comes from the environment.

With no environment at all the product runs on SQLite and a file-system Celery broker, so a newcomer
needs no server. `DATABASE_URL` and `CELERY_BROKER_URL` switch on PostgreSQL and Redis.
"""

import contextlib
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # runtime files of the no-server mode: SQLite, broker folder, media

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)  # optional; real environment variables win

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 40)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # absolute links in customer emails

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "django_fsm",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # ours, leaves first: imports run downward (see README, Architecture)
    "core",  # knows no domain: errors, view helpers, abstract models, the bilingual rule, charts
    "config.apps.ProjectConfig",  # the project's system checks
    "accounts",
    "notifications",
    "workcalendar",  # the company calendar: working days for every clock
    "orders",
    "production",
    "logistics",
    "aftersales",
    "golive",  # go-live: the orders under way when the company starts, each imported in its state
    "documents",  # the PI and the packing list as stored, versioned PDFs
    "customer_portal",
    "supervision",
    "reminders",
    "evaluation",
    "dashboards",
    "calendarfeed",  # a person's deadlines as an iCalendar feed behind a signed, revocable link
    "search",  # the top bar's search box: reads every app's visibility selectors
    "webhooks",  # signed events to customers' systems: endpoints, the outbox of deliveries, attempts
    # development only (DEVELOPMENT_APPS, below): the demo data and devtools
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "orders.api.errors.ApiJsonErrorsMiddleware",  # the API answers its errors in JSON, whoever makes them
    "accounts.middleware.AccessLogMiddleware",  # outside CSRF and auth, so it sees every 401/403/404
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(), right after authentication
    "accounts.middleware.PrivateAnswersMiddleware",  # signed-in answers: Cache-Control private, no-store
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.OTPRequiredMiddleware",
    "customer_portal.middleware.ContactConfinementMiddleware",  # a contact's login reaches the portal only
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.navigation.navigation",
            ],
        },
    },
    {
        # Plain-text email (notifications/*.txt, notifications.services.notification_render): text is not
        # HTML, so nothing is escaped: PO "A&B" reads "A&B", not &quot;A&amp;B&quot;.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Built-in widgets through Jinja2 (the same templates Django ships for it), the admin's through Django's.
FORM_RENDERER = "config.form_renderer.JinjaWidgetRenderer"

# --- Database -------------------------------------------------------------------------------------
# SQLite: WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
# writers queue on the busy timeout instead of failing with "database is locked" half-way through.
SQLITE_PATH = Path(env("SQLITE_PATH", default=str(VAR_DIR / "db.sqlite3")))
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
    )
}
IS_CELERY_PROCESS = Path(sys.argv[0]).name == "celery"


def _tune_database(db: dict) -> dict:
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    elif db["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        db["ENGINE"] = "django.db.backends.postgresql"
        # psycopg 3's pool for web processes. Celery workers fork and run long jobs: they keep plain
        # connections (DB_POOL=0 is forced there) so a pool never spans a fork.
        use_pool = env.bool("DB_POOL", default=True) and not IS_CELERY_PROCESS
        options = db.setdefault("OPTIONS", {})
        # Tuned for pages, not reports, in web processes; jobs keep the server's defaults. No JIT: a page's
        # queries take milliseconds, and PostgreSQL compiled one whose estimate looked big (a search on a
        # two-character Chinese word) for most of a second before running it. No parallel workers: starting
        # them cost a page more than they saved (a supervisor's open cases: 22 ms in parallel, 6 ms alone),
        # and on a few cores they take the cores other people's requests are waiting for.
        settings_for_web = []
        if not env.bool("DB_JIT", default=IS_CELERY_PROCESS):
            settings_for_web.append("-c jit=off")
        parallel = env.int("DB_PARALLEL_WORKERS", default=-1 if IS_CELERY_PROCESS else 0)
        if parallel >= 0:
            settings_for_web.append(f"-c max_parallel_workers_per_gather={parallel}")
        if settings_for_web:
            options["options"] = " ".join([options.get("options", ""), *settings_for_web]).strip()
        if use_pool:
            options["pool"] = {
                "min_size": env.int("DB_POOL_MIN", default=2),
                "max_size": env.int("DB_POOL_MAX", default=10),
                "timeout": env.int("DB_POOL_TIMEOUT", default=10),
            }
            db["CONN_MAX_AGE"] = 0  # the pool owns connection lifetime
            # The pool checks each connection before lending it: after a database restart no request is
            # handed a dead one (tests/browser/test_degraded_dependencies.py).
            db["CONN_HEALTH_CHECKS"] = True
        else:
            db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
            db["CONN_HEALTH_CHECKS"] = True
    return db


DATABASES["default"] = _tune_database(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # throttles before the password is even checked
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: ten failures for one username from one address lock that pair out for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
# The address axes locks by comes from accounts.client_address, which trusts only our own proxies (below).
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"

# Behind a proxy (docs/deployment.md): how many reverse proxies of ours stand in front of Django (nginx
# alone: 1; a load balancer and nginx: 2), and the header they append the client's address to. 0 (no proxy)
# ignores the header, which a client could otherwise forge. AXES_PROXY_COUNT is its old name.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", default="HTTP_X_FORWARDED_FOR")

# Absolute lifetime of a sign-in. Django slides the cookie's expiry on every session save, so
# accounts.middleware.SessionTimeoutMiddleware also counts it from the sign-in itself.
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
# Signed out after this long without a request.
SESSION_TIMEOUT_ENFORCE = True
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The idle clock is written to the session at most this often, not on every request.
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor sign-in (django-otp, TOTP). Everyone may add an authenticator app; superusers and the
# roles below must. Once a person has one, every sign-in asks for a code (accounts.otp_views).
OTP_ENFORCE = env.bool("OTP_ENFORCE", default=True)
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=["HR"])
OTP_TOTP_ISSUER = "Gendan 跟单系统"

# --- I18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through a permission-checked view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The customer API's limit per customer ("requests/period", period s, m, h or d), counted in the cache:
# with Redis across all web processes, else per process (docs/api.md, rate limits).
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/m")
# --- Webhooks to customers' systems (docs/webhooks.md) ---
# A receiver that has not answered within this many seconds is cut off; the attempt counts as failed.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
# Failed deliveries are retried with exponential backoff (first wait, doubled each time, at most the cap)
# for this many hours from the event, then given up (a replay starts the window again).
WEBHOOKS_RETRY_FIRST_SECONDS = env.int("WEBHOOKS_RETRY_FIRST_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=4 * 3600)
WEBHOOKS_RETRY_HOURS = env.int("WEBHOOKS_RETRY_HOURS", default=24)
# Loopback receivers (http://127.0.0.1:...): development and tests only. Production refuses them, and
# private, link-local and reserved addresses always (server-side request forgery).
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="gendan@example.com")
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="gendan.example")

# --- Celery ---------------------------------------------------------------------------------------
# No server by default: kombu's file-system transport lets the web, worker and beat processes share
# a queue through a folder. Set CELERY_BROKER_URL=redis://... for production.
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "broker")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
# Redis: a broker that hangs must never hang a web request. Web processes only publish (a few ms when
# Redis is well), so they give up after half a second; workers keep 2 s. Publishing retries once
# (CELERY_TASK_PUBLISH_RETRY_POLICY); the outbox's retry job sends whatever could not be queued.
# Worst case for a request, broker hanging: about 2 x 0.5 s (tests/security/test_broker_faults.py); after
# that the publishing process skips the broker at once for REDIS_BREAKER_SECONDS (core/celery_task.py).
_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0 if IS_CELERY_PROCESS else 0.5)
BROKER_REDIS_TRANSPORT_OPTIONS = {
    "socket_timeout": _BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=0.5),
    "max_retries": 1,
    "retry_on_timeout": False,
    # acks_late: a job whose worker died (OOM, SIGKILL, lost machine) is handed to another worker
    # this long after it was taken. Keep it above the longest job's run time, or a job still
    # running would be started a second time (harmless, jobs are idempotent, but wasted).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker sweeps for such expired jobs: every 10 s (kombu's default is 10 s x 10 = 100 s,
    # which would leave a dead worker's job waiting almost two minutes past its visibility timeout).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    # kombu does not create these; without them every publish fails (FileNotFoundError).
    for _folder in ("queue", "processed", "control"):
        with contextlib.suppress(OSError):  # read-only file system: the operator made them, or uses Redis
            (CELERY_BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = BROKER_REDIS_TRANSPORT_OPTIONS
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is redelivered; jobs are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(
    Path(env("CELERY_BEAT_SCHEDULE_FILE", default=str(VAR_DIR / "celerybeat-schedule")))
)

# --- The company calendar (workcalendar) -----------------------------------------------------------
# One calendar for every clock: check-ins, T&A plans, the after-sales SLA, weekly reports and meetings,
# the KPIs. Weekly days off (Monday = 0 ... Sunday = 6) and the working hours, in TIME_ZONE; holidays and
# make-up working days live in the calendar's table (HR's page /calendar/). These replace
# PRODUCTION_WEEKEND_DAYS, AFTERSALES_WORKDAY_START/END, AFTERSALES_WORKING_DAYS and AFTERSALES_HOLIDAYS.
CALENDAR_WEEKEND_DAYS = env.list("CALENDAR_WEEKEND_DAYS", cast=int, default=[5, 6])
CALENDAR_WORKDAY_START = env("CALENDAR_WORKDAY_START", default="09:00")
CALENDAR_WORKDAY_END = env("CALENDAR_WORKDAY_END", default="18:00")
# From this month on, HR and supervisors are warned while next year has no calendar day at all.
CALENDAR_WARN_FROM_MONTH = env.int("CALENDAR_WARN_FROM_MONTH", default=11)
# The personal calendar feed (calendarfeed/): how far back and ahead it reaches, and the domain of its event
# UIDs, which calendar apps use to recognise an event again on the next refresh.
CALENDAR_FEED_PAST_DAYS = env.int("CALENDAR_FEED_PAST_DAYS", default=14)
CALENDAR_FEED_FUTURE_DAYS = env.int("CALENDAR_FEED_FUTURE_DAYS", default=180)
CALENDAR_FEED_UID_DOMAIN = env("CALENDAR_FEED_UID_DOMAIN", default="gendan.local")

# --- Supervision ----------------------------------------------------------------------------------
# Before the schedule below, which uses them. Weekdays count from 0 = Monday; times are HH:MM in TIME_ZONE.
# The weekly merchandiser meeting (每周跟单员会议): the job creates each team's meeting at this time.
SUPERVISION_MEETING_WEEKDAY = env.int("SUPERVISION_MEETING_WEEKDAY", default=0)
SUPERVISION_MEETING_TIME = env("SUPERVISION_MEETING_TIME", default="08:00")
# Weekly reports (定期汇报) are due at this time of the week; drafts are made that morning at 09:00.
SUPERVISION_REPORT_DUE_WEEKDAY = env.int("SUPERVISION_REPORT_DUE_WEEKDAY", default=4)
SUPERVISION_REPORT_DUE_TIME = env("SUPERVISION_REPORT_DUE_TIME", default="18:00")
# The discipline ladder (违规处理): violations counted over this window; a fine from the repeat threshold
# (or a serious one), a job reassignment from the reassignment threshold (or serious and repeated).
SUPERVISION_VIOLATION_WINDOW_DAYS = env.int("SUPERVISION_VIOLATION_WINDOW_DAYS", default=365)
SUPERVISION_REPEAT_THRESHOLD = env.int("SUPERVISION_REPEAT_THRESHOLD", default=2)
SUPERVISION_REASSIGN_THRESHOLD = env.int("SUPERVISION_REASSIGN_THRESHOLD", default=4)
SUPERVISION_FINE_AMOUNT = env("SUPERVISION_FINE_AMOUNT", default="200.00")  # CNY, per violation beyond the first
# Employer fines (罚款) have been legally contested in China since 2008: by default the ladder proposes a
# performance-pay deduction (绩效扣减) instead and HR is not offered a fine. True offers both.
SUPERVISION_FINES_ENABLED = env.bool("SUPERVISION_FINES_ENABLED", default=False)
SUPERVISION_APPEAL_DAYS = env.int("SUPERVISION_APPEAL_DAYS", default=7)  # working days to appeal a decision
# --- Reminders, the morning digest and escalation (reminders/, docs/notifications.md) ---------------------
# The digest's time on working days (HH:MM in TIME_ZONE); reminders go out with it.
REMINDERS_DIGEST_TIME = env("REMINDERS_DIGEST_TIME", default="08:30")
# Remind this many working days before each kind of deadline.
REMINDERS_MILESTONE_DAYS = env.int("REMINDERS_MILESTONE_DAYS", default=2)
REMINDERS_EX_FACTORY_DAYS = env.int("REMINDERS_EX_FACTORY_DAYS", default=3)
REMINDERS_REPORT_DAYS = env.int("REMINDERS_REPORT_DAYS", default=1)
REMINDERS_CASE_DAYS = env.int("REMINDERS_CASE_DAYS", default=1)
# An approval or review waiting longer than this many working hours gets one notice to who must act.
REMINDERS_APPROVAL_HOURS = env.int("REMINDERS_APPROVAL_HOURS", default=8)
# Escalation of what stays overdue: the owner at once, their supervisor after this many working days
# overdue, management after that many.
REMINDERS_ESCALATE_SUPERVISOR_DAYS = env.int("REMINDERS_ESCALATE_SUPERVISOR_DAYS", default=2)
REMINDERS_ESCALATE_MANAGEMENT_DAYS = env.int("REMINDERS_ESCALATE_MANAGEMENT_DAYS", default=5)


def _cron_at(weekday: int, hhmm: str) -> crontab:
    hour, minute = hhmm.split(":")
    return crontab(minute=int(minute), hour=int(hour), day_of_week=(weekday + 1) % 7)  # crontab: 0 = Sunday


# The whole periodic schedule, in one place. crontab, not intervals: beat resets interval countdowns on
# restart. Each entry expires so a backlog after an outage does not run a day's job five times.
CELERY_BEAT_SCHEDULE = {
    # Proves the worker and beat are alive; writes a heartbeat row that the health page shows.
    "heartbeat": {
        "task": "accounts.tasks.heartbeat",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # The outbox retry: mail the broker or the SMTP server could not take earlier goes out here.
    "notifications-send-due": {
        "task": "notifications.send_due",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Webhooks: deliveries whose retry is due (exponential backoff), and those the broker could not take.
    "webhooks-send-due": {
        "task": "webhooks.send_due",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Production: today's check-in for every in-production order (每日跟进). Runs every morning; the
    # service itself skips non-working days, so make-up working days (调休) from the calendar count.
    "production-daily-checkins": {
        "task": "production.create_daily_checkins",
        "schedule": crontab(hour=8, minute=30),
        "options": {"expires": 10 * 3600},
    },
    # Production: close the day. Check-ins still to do become missed (idempotent; catches up skipped nights).
    "production-mark-missed-checkins": {
        "task": "production.mark_missed_checkins",
        "schedule": crontab(hour=23, minute=30),
        "options": {"expires": 25 * 60},
    },
    # Production: recompute at-risk and overdue flags of every open order after the date has turned.
    "production-refresh-flags": {
        "task": "production.refresh_flags",
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": 3 * 3600},
    },
    # After-sales: warn owners before an SLA target is missed; escalate to the supervisor once it is.
    # Every minute, like the SLA clocks' resolution.
    "aftersales-check-sla": {
        "task": "aftersales.check_sla",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # After-sales: close orders whose service period has ended and whose cases are all closed.
    "aftersales-close-finished-orders": {
        "task": "aftersales.close_finished_orders",
        "schedule": crontab(hour=1, minute=10),
        "options": {"expires": 3 * 3600},
    },
    # Evaluation: score the quarter that just ended (policy ch.5 art.2) at 01:30 on its next quarter's first
    # day, Asia/Shanghai time (CELERY_TIMEZONE). One scheduled run per quarter however often it is delivered.
    "evaluation-score-previous-quarter": {
        "task": "evaluation.score_previous_quarter",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
        "options": {"expires": 20 * 3600},
    },
    # Supervision: every team's weekly meeting with its agenda, Monday 08:00 by default (one per team
    # and week however often it runs).
    "supervision-weekly-meetings": {
        "task": "supervision.create_weekly_meetings",
        "schedule": _cron_at(SUPERVISION_MEETING_WEEKDAY, SUPERVISION_MEETING_TIME),
        "options": {"expires": 12 * 3600},
    },
    # Supervision: draft every merchandiser's weekly report on the morning of the due day.
    "supervision-draft-weekly-reports": {
        "task": "supervision.draft_weekly_reports",
        "schedule": _cron_at(SUPERVISION_REPORT_DUE_WEEKDAY, "09:00"),
        "options": {"expires": 6 * 3600},
    },
    # Reminders: each person's morning digest on working days (one per person and day however often it runs).
    "reminders-morning-digest": {
        "task": "reminders.send_digests",
        "schedule": crontab(
            hour=int(REMINDERS_DIGEST_TIME.split(":")[0]), minute=int(REMINDERS_DIGEST_TIME.split(":")[1])
        ),
        "options": {"expires": 6 * 3600},
    },
    # Reminders: deadlines N working days ahead, approvals waiting too long, and the escalation of what stays
    # overdue. Hourly, so an approval's working hours and a report's due time are caught; each once.
    "reminders-chase": {
        "task": "reminders.chase",
        "schedule": crontab(minute=15),
        "options": {"expires": 55 * 60},
    },
    # Supervision: flag reports not submitted by their due time. Hourly, so any due time is caught.
    "supervision-flag-missing-reports": {
        "task": "supervision.flag_missing_reports",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
}

# --- Security headers -----------------------------------------------------------------------------
# A strict CSP: no inline script or style anywhere in our templates, everything from our own origin.
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Orders ---------------------------------------------------------------------------------------
# Order numbers: unique and gapless per year. {year} and {seq} are filled in; e.g. SO-2026-000123.
ORDER_NUMBER_FORMAT = env("ORDER_NUMBER_FORMAT", default="SO-{year}-{seq:06d}")
ORDER_EXPORT_MAX_ROWS = env.int("ORDER_EXPORT_MAX_ROWS", default=20000)
# Email and spreadsheet uploads wait in MEDIA_ROOT/intake-tmp/ between their two steps. Ten per session is no
# bound when anyone may open sessions: past this many bytes in all, a new upload is refused until some go.
INTAKE_TMP_MAX_BYTES = env.int("INTAKE_TMP_MAX_BYTES", default=500 * 1024 * 1024)

# --- Logistics and after-sales -----------------------------------------------------------------------
# Modes whose shipments must carry a tracking number (B/L, air waybill, courier number). Trucks need none.
LOGISTICS_TRACKED_MODES = env.list("LOGISTICS_TRACKED_MODES", default=["sea", "air", "express"])
# After-sales service period: the order can close this many days after its last delivery.
AFTERSALES_SERVICE_PERIOD_DAYS = env.int("AFTERSALES_SERVICE_PERIOD_DAYS", default=30)
# SLA targets per severity, in working minutes: (first response, resolution). The admin's SLA targets
# table overrides these per severity; cases keep the targets they were opened (or re-graded) with.
AFTERSALES_SLA_MINUTES = {
    "urgent": (15, 60),
    "high": (60, 240),
    "medium": (60, 480),
    "low": (240, 960),
}
# The SLA clock runs only in the company calendar's working hours (CALENDAR_*). It also stops while a case
# waits on the customer.
# The owner is warned once this share of a target's working time has been used.
AFTERSALES_SLA_WARN_AT = env.float("AFTERSALES_SLA_WARN_AT", default=0.75)
# The customer's status link expires this many days after it was made, renewed by the merchandiser or last
# sent to the customer in an email. 0: never.
STATUS_LINK_DAYS = env.int("STATUS_LINK_DAYS", default=180)
# The public status page refuses new cases beyond this many open ones per order (abuse guard).
PORTAL_MAX_OPEN_CASES = env.int("PORTAL_MAX_OPEN_CASES", default=5)

# --- documents: the letterhead on the PI and the packing list (docs/documents.md) -------------------------
COMPANY_NAME = env("COMPANY_NAME", default="宁波示例进出口有限公司 Ningbo Example Import & Export Co., Ltd.")
COMPANY_ADDRESS = env(
    "COMPANY_ADDRESS", default="浙江省宁波市鄞州区示例路 88 号 · 88 Example Road, Yinzhou, Ningbo, China"
)
# Make the shipment's packing list and attach it to the customer's shipment notice (a PDF takes a second or
# two to draw); false: staff make it on the order page when wanted.
DOCUMENTS_PACKING_LIST_IN_NOTICE = env.bool("DOCUMENTS_PACKING_LIST_IN_NOTICE", default=True)
COMPANY_LOGO = Path(env("COMPANY_LOGO", default=str(BASE_DIR / "static" / "img" / "letterhead-logo.png")))

# --- Evaluation -----------------------------------------------------------------------------------
# Working hours for "confirmed within N working hours": the company calendar's (CALENDAR_*).
EVALUATION_WORKDAY_START = CALENDAR_WORKDAY_START
EVALUATION_WORKDAY_END = CALENDAR_WORKDAY_END
# A scorecard gets a total only when the KPIs that had data weigh at least this share (per cent) of the
# scheme's weight; below it, it reads "not enough data" and is neither ranked, finalised nor rewarded.
EVALUATION_MIN_MEASURED_WEIGHT = env.int("EVALUATION_MIN_MEASURED_WEIGHT", default=60)

# --- Production -----------------------------------------------------------------------------------
# Calendar days from ex-factory to the promised delivery date, unless a T&A template says otherwise.
PRODUCTION_TRANSIT_DAYS = env.int("PRODUCTION_TRANSIT_DAYS", default=7)
# A milestone not done within this many working days of its due date is "at risk".
PRODUCTION_AT_RISK_DAYS = env.int("PRODUCTION_AT_RISK_DAYS", default=2)
# The promise's early warning: this many working hours before an open milestone's projection breaks the
# promised delivery date (docs/production.md, "The promise's early warning").
PROMISE_WARNING_WORKING_HOURS = env.int("PROMISE_WARNING_WORKING_HOURS", default=48)
# The factory reports from its phone (docs/production.md): the link the merchandiser hands the factory
# works this many days; each report takes at most FACTORY_PHOTO_MAX_COUNT photos of at most
# FACTORY_PHOTO_MAX_MB megabytes each, kept at most FACTORY_PHOTO_MAX_SIDE pixels a side; a link accepts
# at most FACTORY_REPORTS_PER_HOUR reports an hour.
FACTORY_LINK_DAYS = env.int("FACTORY_LINK_DAYS", default=30)
FACTORY_PHOTO_MAX_COUNT = env.int("FACTORY_PHOTO_MAX_COUNT", default=5)
FACTORY_PHOTO_MAX_MB = env.int("FACTORY_PHOTO_MAX_MB", default=10)
FACTORY_PHOTO_MAX_SIDE = env.int("FACTORY_PHOTO_MAX_SIDE", default=1600)
FACTORY_REPORTS_PER_HOUR = env.int("FACTORY_REPORTS_PER_HOUR", default=20)

# --- Tables ---------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "partials/_table.html"

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # subsetting the PDFs' font logs every glyph at INFO
        "security": {"level": "INFO"},  # security.access: refused, missing and unauthenticated requests
    },
}

# --- Cache ----------------------------------------------------------------------------------------
# Redis when there is one, else per-process memory so the no-server mode still works. Dashboards keep
# their per-state counts here for a minute. REDIS_URL defaults to the broker's Redis but the *next*
# database (broker /0, cache /1): never the queue's own database, so a cache flush, a cache eviction
# policy or the breaker's clean-up (core/redis_cache.py) can never touch queued jobs (docs/deployment.md).


def _next_redis_database(url: str) -> str:
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{number + 1}"))


REDIS_URL = env(
    "REDIS_URL",
    default=_next_redis_database(CELERY_BROKER_URL) if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
)
# After a Redis call timed out or was refused, that Redis (cache or broker) is skipped at once for this
# long, then one call probes it (core/breaker.py): a hanging Redis costs a page one timeout, not one per call.
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=30)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gendan",
            # A cache that fails or hangs must not fail or hang a page: each call gives up after half a
            # second and counts as a miss, so pages fall back to the database; the breaker then skips Redis.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gendan"}}
# Sessions and each user's roles are read from the cache on every page, but only when every web process
# shares it (Redis): in per-process memory a sign-out or a withdrawn role would not reach the others.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=600 if REDIS_URL else 0)  # 0: no cache
DASHBOARD_COUNTS_MAX_AGE = env.int("DASHBOARD_COUNTS_MAX_AGE", default=60)  # seconds; 0 = always count live
# The menu's "Waiting for you" counts per person (core/waiting.py); a service's write moves them at once.
WAITING_COUNTS_MAX_AGE = env.int("WAITING_COUNTS_MAX_AGE", default=60)
# How often each open page asks for the bell's unread count (notifications/selectors.py keeps it cached).
NOTIFICATIONS_POLL_SECONDS = env.int("NOTIFICATIONS_POLL_SECONDS", default=60)
# The chat robots (WeCom, DingTalk; docs/notifications.md). Fernet keys that encrypt each team's webhook
# address and secret: the first encrypts, all decrypt (rotation). Unset: a key derived from SECRET_KEY.
NOTIFICATIONS_ROBOT_KEYS = env.list("NOTIFICATIONS_ROBOT_KEYS", default=[])
# The only hosts a webhook may point at: the robots' own (no posting into the internal network).
NOTIFICATIONS_ROBOT_HOSTS = env.list("NOTIFICATIONS_ROBOT_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
# Seconds a worker waits for a robot's answer (a request never waits on a robot: the outbox sends).
NOTIFICATIONS_ROBOT_TIMEOUT = env.float("NOTIFICATIONS_ROBOT_TIMEOUT", default=5.0)

# --- Development-only apps -------------------------------------------------------------------------
# `demo` (the demo data, `manage.py load_demo_data`: known passwords) and `devtools` (the bench seeders and
# the floor page) are installed by the local and test settings; production installs them only when asked
# (docs/architecture.md, *Development-only apps*).
DEVELOPMENT_APPS = ["demo", "devtools"]
# bench/run.py sets this under production settings: installs devtools and mounts /perf/floor/, the bare
# page the real pages are measured against.
PERF_FLOOR_ENABLED = env.bool("PERF_FLOOR_ENABLED", default=False)
# A throwaway trial of the docker-compose stack with the demo data (never on a server with real data).
DEMO_ENABLED = env.bool("DEMO_ENABLED", default=False)
INSTALLED_APPS += [app for app, wanted in (("demo", DEMO_ENABLED), ("devtools", PERF_FLOOR_ENABLED)) if wanted]
