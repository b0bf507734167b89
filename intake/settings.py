"""Typed settings read from the environment (see docs/settings.md for the table)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/iop.db"
DEV_KEY_FILE = Path("data") / "field.key"
MIN_COOKIE_SECRET = 32


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
    iop_retention_unsubmitted_days: int = Field(365, ge=1)
    iop_retention_submitted_days: int = Field(2555, ge=1)
    iop_urgent_wait_minutes: int = Field(30, ge=1)
    iop_resume_max_failures: int = Field(5, ge=1)
    iop_resume_window_minutes: int = Field(15, ge=1)
    iop_trusted_proxies: int = Field(0, ge=0, le=10)

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Settings:
        if self.iop_field_key is not None:
            for key in _split_keys(self.iop_field_key.get_secret_value()):
                try:
                    Fernet(key)
                except ValueError:
                    raise ValueError(
                        "IOP_FIELD_KEY is not a Fernet key (32 url-safe base64 bytes); make one with "
                        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
                    ) from None
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

    def field_keys(self) -> list[bytes]:
        """Fernet keys, newest first (comma-separated in IOP_FIELD_KEY, to allow rotation)."""
        if self.iop_field_key is not None:
            return [k.encode() for k in _split_keys(self.iop_field_key.get_secret_value())]
        return [_development_key()]


def _split_keys(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def _development_key() -> bytes:
    """Read ./data/field.key, creating it once (mode 0600) so restarts can still decrypt."""
    if DEV_KEY_FILE.exists():
        return DEV_KEY_FILE.read_bytes().strip()
    DEV_KEY_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = DEV_KEY_FILE.with_name(f".field.key.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(Fernet.generate_key())
    try:
        # link() fails if another process won the race; then both use the winner's key.
        os.link(tmp, DEV_KEY_FILE)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return DEV_KEY_FILE.read_bytes().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    try:
        return Settings()
    except ValidationError as exc:
        messages = "; ".join(_plain(e) for e in exc.errors())
        raise ConfigError(messages) from None


def _plain(error: dict) -> str:
    msg = str(error.get("msg", ""))
    msg = msg.removeprefix("Value error, ")
    loc = ".".join(str(p) for p in error.get("loc", ()))
    return f"{loc.upper()}: {msg}" if loc else msg
