"""Typed configuration: defaults for the embedded demo, secrets from the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "pb.db"


def default_database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Settings:
    """Everything the application reads from configuration, with types and safe defaults."""

    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = field(default_factory=default_database_url)
    TESTING: bool = False
    # Production refuses to start without a real secret; the demo generates one per process.
    ENV_PRODUCTION: bool = False
    # Sessions: HttpOnly stops scripts reading the cookie; SameSite=Lax stops cross-site POSTs
    # carrying it (a second line behind CSRF tokens); Secure is on in production (HTTPS only).
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    PERMANENT_SESSION_LIFETIME: int = 8 * 3600
    # CSRF tokens on every form (Flask-WTF); WTF_CSRF_ENABLED may only be turned off by a test.
    WTF_CSRF_ENABLED: bool = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    # Argon2id parameters (RFC 9106 low-memory profile); tests use a cheap profile for speed.
    PASSWORD_HASHING: str = "rfc9106-low-memory"
    # Rate limits: every limit is named in pb/limits.py and set here (or by the environment
    # variable of the same name). The default storage is a SQLite file every gunicorn worker on
    # this host shares, so the numbers hold as configured (memory:// counts per process, i.e.
    # the number of workers times the limit); sites on several hosts use redis://.
    RATELIMIT_STORAGE_URI: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'ratelimits.db'}"
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_HEADERS_ENABLED: bool = False
    # Prepended to every rate-limit key: sites sharing one Redis keep their counters apart.
    RATELIMIT_KEY_PREFIX: str = ""
    # Failed sign-ins at one account from one client address; and from one address in all.
    LOGIN_ACCOUNT_RATE_LIMIT: str = "10 per 15 minutes"
    LOGIN_CLIENT_RATE_LIMIT: str = "60 per 15 minutes"
    # A wrong current password when changing it, per account.
    PASSWORD_CHANGE_RATE_LIMIT: str = "5 per 15 minutes"
    # Registrations from one client address (each one sends an e-mail), and password-reset
    # requests per address asked about and client; verification links re-sent, per account.
    REGISTRATION_RATE_LIMIT: str = "10 per hour"
    PASSWORD_RESET_RATE_LIMIT: str = "5 per hour"
    VERIFICATION_RESEND_RATE_LIMIT: str = "5 per hour"
    # Wrong census details, per account and per census entry (whoever types them).
    CENSUS_ACCOUNT_RATE_LIMIT: str = "5 per hour;20 per day"
    CENSUS_ENTRY_RATE_LIMIT: str = "5 per hour;20 per day"
    # Wrong access codes per client address (docs/eligibility.md: guesses per success).
    ACCESS_CODE_RATE_LIMIT: str = "10 per hour;50 per day"
    # Comments, amendments and reports, per signed-in user, all counted together: stops one
    # account flooding a discussion or the moderation queue.
    POSTING_RATE_LIMIT: str = "10 per minute;100 per day"
    # Audit bundle downloads per client address (each one serialises the whole log).
    BUNDLE_RATE_LIMIT: str = "20 per minute"
    # Rule comparisons (a round's or an uploaded file's) per client address: each one counts
    # the election with every rule, for up to 8 s per rule and 15 s in all.
    COMPARISON_RATE_LIMIT: str = "30 per hour"
    # How many reverse proxies in front of the app append to X-Forwarded-For (and set
    # X-Forwarded-Proto). 0: no header is trusted, the client is the connection's address.
    TRUSTED_PROXY_HOPS: int = 0
    # A signed-in session ends this long after sign-in, however active (the server forgets it).
    SESSION_ABSOLUTE_LIFETIME: int = 12 * 3600
    # How long an author may edit a comment after posting it (later edits would rewrite a
    # discussion others have already answered).
    COMMENT_EDIT_MINUTES: int = 15
    # E-mail copies of notifications; empty SMTP_HOST: in-app notifications only.
    SMTP_HOST: str = ""
    SMTP_PORT: int = 25
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = False
    SMTP_TIMEOUT: int = 10
    MAIL_FROM: str = "Ward budgets <noreply@localhost>"
    # The e-mail outbox (pb/mail). MAIL_TRANSPORT "smtp" or "console"; empty: SMTP when
    # SMTP_HOST is set, else the console outside production. A worker leases a batch for
    # MAIL_LEASE_SECONDS (longer than a batch can take: 50 x SMTP_TIMEOUT); if it dies, another
    # takes the batch over after that. Retries wait MAIL_RETRY_SECONDS, doubling, up to an hour.
    MAIL_TRANSPORT: str = ""
    MAIL_BATCH_SIZE: int = 50
    MAIL_LEASE_SECONDS: int = 600
    MAIL_MAX_ATTEMPTS: int = 8
    MAIL_RETRY_SECONDS: int = 30
    MAIL_KEEP_SENT_DAYS: int = 7
    # The outcomes report (docs/outcomes.md) values an hour residents gave at this many minor
    # units of the round's currency (1221: 12.21, the UK National Living Wage from April 2025).
    OUTCOMES_HOURLY_RATE: int = 1221
    # Prometheus metrics at /metrics, only for "Authorization: Bearer <token>"; empty: 404.
    METRICS_TOKEN: str = ""
    # The public address, for links in e-mails ("https://budgets.example.org"); empty: no links.
    SITE_URL: str = ""
    # A tile server the council runs or contracts, e.g. "https://tiles.example.org/{z}/{x}/{y}.png".
    # Empty (the default): proposals' locations are text only and nothing map-related is loaded
    # (docs/browsing.md, "Maps": the extension point; never a CDN).
    MAP_TILES_URL: str = ""
    # A round's page and results, kept this long for visitors not signed in (pb/public/
    # page_cache.py: any change to the round is a new page at once; comment counts and the like
    # may be this many seconds old). 0: every page rendered afresh.
    PUBLIC_PAGE_CACHE_SECONDS: int = 10
    BABEL_DEFAULT_LOCALE: str = "en"
    BABEL_DEFAULT_TIMEZONE: str = "UTC"
    LANGUAGES: tuple[str, ...] = ("en", "pl", "ur")
    # Where an uploaded image or other user file would go; nothing is served from outside.
    MAX_CONTENT_LENGTH: int = 2 * 1024 * 1024
    # pabulib's META requires a country and a unit (city) in exported ballots: set your council's.
    PABULIB_COUNTRY: str = "United Kingdom"
    PABULIB_UNIT: str = "Ward budgets"
    # How long the links we e-mail stay valid (seconds).
    EMAIL_VERIFY_MAX_AGE: int = 48 * 3600
    PASSWORD_RESET_MAX_AGE: int = 3600
    # A staff invitation is a reset link that lasts longer: a new colleague may be away a week.
    INVITATION_MAX_AGE: int = 7 * 24 * 3600
    # The census register (pb/eligibility/census.py): stored only as HMACs under this key, which
    # never enters the database (so a copy of the database alone cannot test a guess).
    CENSUS_HMAC_KEY: str = ""
    # The register's columns, in the CSV's header: the first identifies the person (kept across
    # re-uploads), the last named "ward" holds the ward code; the rest are details to match.
    CENSUS_COLUMNS: tuple[str, ...] = ("reference", "date_of_birth", "postcode")
    # Days an uploaded register is kept before `flask pb census-purge` deletes it.
    CENSUS_RETENTION_DAYS: int = 400
    # Pseudonymous actor references in the audit log are keyed HMACs of user ids.
    AUDIT_PSEUDONYM_KEY: str = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, overrides: dict[str, Any] | None = None) -> Settings:
        settings = cls()
        env = os.environ
        if env.get("SECRET_KEY"):
            settings.SECRET_KEY = env["SECRET_KEY"]
        if env.get("PB_PRODUCTION") == "1":
            settings.ENV_PRODUCTION = True
            settings.SESSION_COOKIE_SECURE = True
        for name in settings.environment_settings():
            if env.get(name):
                setattr(settings, name, env[name])
        if env.get("TRUSTED_PROXY_HOPS"):
            settings.TRUSTED_PROXY_HOPS = int(env["TRUSTED_PROXY_HOPS"])
        if env.get("AUDIT_PSEUDONYM_KEY"):
            settings.AUDIT_PSEUDONYM_KEY = env["AUDIT_PSEUDONYM_KEY"]
        if env.get("CENSUS_HMAC_KEY"):
            settings.CENSUS_HMAC_KEY = env["CENSUS_HMAC_KEY"]
        if env.get("CENSUS_COLUMNS"):
            settings.CENSUS_COLUMNS = tuple(c.strip() for c in env["CENSUS_COLUMNS"].split(","))
        if env.get("CENSUS_RETENTION_DAYS"):
            settings.CENSUS_RETENTION_DAYS = int(env["CENSUS_RETENTION_DAYS"])
        mail_and_links = ("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "MAIL_FROM", "SITE_URL")
        for name in (*mail_and_links, "MAP_TILES_URL"):
            if env.get(name):
                setattr(settings, name, env[name])
        if env.get("PB_PABULIB_COUNTRY"):
            settings.PABULIB_COUNTRY = env["PB_PABULIB_COUNTRY"]
        if env.get("PB_PABULIB_UNIT"):
            settings.PABULIB_UNIT = env["PB_PABULIB_UNIT"]
        if env.get("SMTP_PORT"):
            settings.SMTP_PORT = int(env["SMTP_PORT"])
        if env.get("SMTP_STARTTLS"):
            settings.SMTP_STARTTLS = env["SMTP_STARTTLS"] == "1"
        settings._read_operations_settings(env)
        for key, value in (overrides or {}).items():
            if not hasattr(settings, key):  # a misspelt setting would be silently ignored
                raise KeyError(f"unknown setting {key!r}")
            setattr(settings, key, value)
        settings.SQLALCHEMY_DATABASE_URI = normalise_database_url(settings.SQLALCHEMY_DATABASE_URI)
        settings._fill_secrets()
        return settings

    def _read_operations_settings(self, env: Mapping[str, str]) -> None:
        """The outbox and metrics settings, from variables of the same name, typed like their
        defaults."""
        for name in OPERATIONS_SETTINGS:
            if env.get(name):
                setattr(self, name, type(getattr(self, name))(env[name]))
        if env.get("PB_DATABASE_POOLER") == "pgbouncer-transaction":
            # psycopg prepares a statement run 5 times on its connection; behind a pooler in
            # transaction mode the next transaction may get another server connection, which
            # lacks it (docs/operations.md). Never prepare there.
            options = dict(self.SQLALCHEMY_ENGINE_OPTIONS)
            options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
            self.SQLALCHEMY_ENGINE_OPTIONS = options

    def environment_settings(self) -> list[str]:
        """String settings an operator may set from the environment under the same name:
        every rate limit and the limit storage."""
        names = [name for name in vars(self) if name.endswith("_RATE_LIMIT")]
        return [*names, "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX"]

    def _fill_secrets(self) -> None:
        if not self.SECRET_KEY:
            if self.ENV_PRODUCTION:
                raise RuntimeError("SECRET_KEY must be set in production (PB_PRODUCTION=1).")
            self.SECRET_KEY = _instance_secret("secret_key")
        if not self.AUDIT_PSEUDONYM_KEY:
            # A key generated into one server's instance/ would change with the server (or be
            # lost with it), silently breaking the link between a person's old and new entries.
            if self.ENV_PRODUCTION:
                raise RuntimeError(
                    "AUDIT_PSEUDONYM_KEY must be set in production (PB_PRODUCTION=1)."
                )
            self.AUDIT_PSEUDONYM_KEY = _instance_secret("audit_pseudonym_key")
        if not self.CENSUS_HMAC_KEY:
            # Lost or changed, every stored census hash stops matching: it must be kept like a
            # backup key, outside the database and outside one server's instance/ folder.
            if self.ENV_PRODUCTION:
                raise RuntimeError("CENSUS_HMAC_KEY must be set in production (PB_PRODUCTION=1).")
            self.CENSUS_HMAC_KEY = _instance_secret("census_hmac_key")

    def as_flask_config(self) -> dict[str, Any]:
        return asdict(self)


OPERATIONS_SETTINGS = (
    "MAIL_TRANSPORT",
    "MAIL_BATCH_SIZE",
    "MAIL_LEASE_SECONDS",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_SECONDS",
    "MAIL_KEEP_SENT_DAYS",
    "METRICS_TOKEN",
    "OUTCOMES_HOURLY_RATE",
    "PUBLIC_PAGE_CACHE_SECONDS",
)


def _instance_secret(name: str) -> str:
    """A random secret kept in instance/ so all gunicorn workers and restarts share it."""
    path = PROJECT_ROOT / "instance" / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        try:
            with path.open("x") as handle:
                handle.write(value)
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text().strip()
        return value
