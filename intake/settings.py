"""Typed settings read from the environment (see docs/settings.md for the table)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet
from pydantic import Field, PrivateAttr, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from intake.vocab import EMAIL_MAX_CHARS

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

# Seconds one SMTP conversation or webhook POST may take before it counts as failed (and retried).
SEND_TIMEOUT_SECONDS = 10
DEFAULT_DATABASE_URL = "sqlite:///./data/iop.db"
DEV_KEY_NAME = "field.key"
MAKE_KEY = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
MIN_COOKIE_SECRET = 32
NO_DEVELOPMENT_KEY = (
    "IOP_FIELD_KEY must be set when DATABASE_URL is not a SQLite file: a development key is made "
    f"only beside a SQLite database. Make one with {MAKE_KEY}"
)


class ConfigError(RuntimeError):
    """The environment cannot run the app; the message names the variable to fix."""


class Settings(BaseSettings):
    # Field names are the environment variable names, lower-cased (no prefix: DATABASE_URL is a contract).
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    database_url: str = Field(DEFAULT_DATABASE_URL, min_length=1)
    iop_env: Literal["development", "production"] = "development"
    iop_field_key: SecretStr | None = None
    streamlit_server_cookie_secret: SecretStr | None = None
    iop_draft_ttl_days: int = Field(14, ge=1)
    # At most a century (intake.retention.MAX_DAYS): further back than the year 1 cannot be dated.
    iop_retention_unsubmitted_days: int = Field(365, ge=1, le=36_500)
    iop_retention_submitted_days: int = Field(2555, ge=1, le=36_500)
    iop_urgent_wait_minutes: int = Field(30, ge=1)
    iop_resume_max_failures: int = Field(5, ge=1)
    iop_resume_window_minutes: int = Field(15, ge=1)
    iop_trusted_proxies: int = Field(0, ge=0, le=10)
    # Staff sign in only through the clinic's OpenID Connect provider (st.login, [auth] in
    # .streamlit/secrets.toml): password sign-in is refused. The UI checks [auth] is there (ui/sso.py).
    iop_require_sso: bool = False
    # Alerts (intake.alerts): SMTP for email routes, a shared secret for webhook routes, the base
    # of the links they carry, and the worker's pace.
    iop_smtp_host: str | None = Field(None, min_length=1)
    iop_smtp_port: int | None = Field(None, ge=1, le=65_535)
    iop_smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    iop_smtp_user: str | None = Field(None, min_length=1)
    iop_smtp_password: SecretStr | None = None
    iop_alert_from: str | None = Field(None, min_length=3, max_length=EMAIL_MAX_CHARS)
    iop_public_url: str | None = Field(None, min_length=1)
    iop_alert_webhook_secret: SecretStr | None = None
    iop_alert_poll_seconds: float = Field(1.0, ge=0.05, le=60)
    iop_alert_retry_seconds: float = Field(30.0, ge=0.01, le=3_600)
    iop_alert_max_attempts: int = Field(8, ge=1, le=50)
    iop_alert_lease_seconds: float = Field(120.0, ge=1, le=3_600)
    iop_clinic_timezone: str = "UTC"
    _keys: list[bytes] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Settings:
        if self.iop_field_key is not None:
            for key in _split_keys(self.iop_field_key.get_secret_value()):
                try:
                    Fernet(key)
                except ValueError:
                    raise ValueError(
                        f"IOP_FIELD_KEY is not a Fernet key (32 url-safe base64 bytes); make one with {MAKE_KEY}"
                    ) from None
        if not self._given_keys() and not _is_sqlite(self.database_url):
            raise ValueError(NO_DEVELOPMENT_KEY)
        self._check_alerts()
        if self.iop_env != "production":
            return self
        if not self.iop_field_key or not self.iop_field_key.get_secret_value().strip():
            raise ValueError(
                "IOP_FIELD_KEY must be set in production: it encrypts contact details and drafts"
            )
        cookie = self.streamlit_server_cookie_secret
        if cookie is None or len(cookie.get_secret_value()) < MIN_COOKIE_SECRET:
            raise ValueError(
                f"STREAMLIT_SERVER_COOKIE_SECRET must be set in production ({MIN_COOKIE_SECRET}+ characters, "
                "the same on every replica)"
            )
        return self

    def _check_alerts(self) -> None:
        """Refuse a half-set SMTP configuration, naming what is missing: alerts would fail one by
        one, hours later, instead of now."""
        smtp = ("iop_smtp_host", "iop_smtp_port", "iop_smtp_user", "iop_smtp_password", "iop_alert_from")
        if (
            any(getattr(self, name) is not None for name in smtp)
            or "iop_smtp_security" in self.model_fields_set
        ):
            missing = [n.upper() for n in ("iop_smtp_host", "iop_alert_from") if getattr(self, n) is None]
            if missing:
                raise ValueError(
                    f"{' and '.join(missing)} must be set to send email alerts (some IOP_SMTP_* settings are)"
                )
            if (self.iop_smtp_user is None) != (self.iop_smtp_password is None):
                given, absent = (
                    ("IOP_SMTP_USER", "IOP_SMTP_PASSWORD")
                    if self.iop_smtp_password is None
                    else ("IOP_SMTP_PASSWORD", "IOP_SMTP_USER")
                )
                raise ValueError(
                    f"{absent} must be set with {given} (or neither, for a server without sign-in)"
                )
            if self.iop_public_url is None:
                raise ValueError(
                    "IOP_PUBLIC_URL must be set to send email alerts: it is the base of their links"
                )
            if "@" not in (self.iop_alert_from or ""):
                raise ValueError(
                    "IOP_ALERT_FROM must be an email address, such as intake-alerts@clinic.example"
                )
        if self.iop_public_url is not None and not self.iop_public_url.startswith(("https://", "http://")):
            raise ValueError("IOP_PUBLIC_URL must start with https:// (the address staff open the app at)")
        try:
            ZoneInfo(self.iop_clinic_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"IOP_CLINIC_TIMEZONE: {self.iop_clinic_timezone!r} is not a time zone name such as America/Chicago"
            ) from None
        if self.iop_alert_lease_seconds <= 2 * SEND_TIMEOUT_SECONDS:
            raise ValueError(
                f"IOP_ALERT_LEASE_SECONDS must be more than {2 * SEND_TIMEOUT_SECONDS} (twice a send's timeout)"
            )

    def smtp_port(self) -> int:
        """IOP_SMTP_PORT, or the usual port for IOP_SMTP_SECURITY."""
        if self.iop_smtp_port is not None:
            return self.iop_smtp_port
        return {"none": 25, "starttls": 587, "tls": 465}[self.iop_smtp_security]

    def clinic_zone(self) -> ZoneInfo:
        return ZoneInfo(self.iop_clinic_timezone)

    def _given_keys(self) -> list[str]:
        return _split_keys(self.iop_field_key.get_secret_value()) if self.iop_field_key else []

    def field_keys(self) -> list[bytes]:
        """Fernet keys, newest first (comma-separated in IOP_FIELD_KEY, to allow rotation); without
        it, the development key beside the SQLite database (read once per Settings)."""
        if self._keys is None:
            given = self._given_keys()
            self._keys = [k.encode() for k in given] or [_development_key(self.database_url)]
        return self._keys

    def development_key_file(self) -> Path:
        return development_key_file(self.database_url)


def _split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def _is_sqlite(database_url: str) -> bool:
    # By the scheme alone (sqlite:// or sqlite+driver://): settings load on pages that never
    # import SQLAlchemy.
    return database_url.split(":", 1)[0].split("+", 1)[0].strip().lower() == "sqlite"


def sqlite_path(database_url: str) -> Path | None:
    """The database file of a SQLite DATABASE_URL, else None."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def development_key_file(database_url: str) -> Path:
    """``field.key`` beside the SQLite database: the key belongs to that file, wherever the app or
    the CLI is started from. There is none for any other database (it needs IOP_FIELD_KEY)."""
    database = sqlite_path(database_url)
    if database is None:
        raise ConfigError(NO_DEVELOPMENT_KEY)
    return database.absolute().parent / DEV_KEY_NAME


def _development_key(database_url: str) -> bytes:
    """Read the development key file, creating it once (mode 0600) so restarts can still decrypt;
    but never while the database already holds data encrypted under some other key."""
    key_file = development_key_file(database_url)
    if not key_file.exists():
        _refuse_if_encrypted_data(database_url, key_file)
        _create_key_file(key_file)
    return key_file.read_bytes().strip()


def _refuse_if_encrypted_data(database_url: str, key_file: Path) -> None:
    database = sqlite_path(database_url)
    if database is None or not database.exists():
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from intake.crypto import encrypted_data_present

    engine = create_engine(f"sqlite:///{database}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            present = encrypted_data_present(conn)
    finally:
        engine.dispose()
    if present:
        raise ConfigError(
            f"IOP_FIELD_KEY is not set and there is no key file at {key_file}, but the database "
            f"{database.absolute()} already holds encrypted data that a new key could not read. Set "
            "IOP_FIELD_KEY to the key it was written with, or put that key in the file (earlier "
            "versions kept it in data/field.key under the folder the app or CLI was started from)."
        )


def _create_key_file(key_file: Path) -> None:
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = key_file.with_name(f".{DEV_KEY_NAME}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key())
    try:
        # link() fails if another process won the race; then both use the winner's key.
        os.link(tmp, key_file)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    try:
        return Settings()
    except ValidationError as exc:
        messages = "; ".join(_plain(e) for e in exc.errors())
        raise ConfigError(messages) from None


def _plain(error: ErrorDetails) -> str:
    msg = str(error.get("msg", ""))
    msg = msg.removeprefix("Value error, ")
    loc = ".".join(str(p) for p in error.get("loc", ()))
    return f"{loc.upper()}: {msg}" if loc else msg
