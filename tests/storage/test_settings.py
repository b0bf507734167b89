"""Settings: defaults, production refusals naming the variable, the development key file, docs."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from intake.settings import ConfigError, Settings, get_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_defaults(settings_env):
    settings_env(DATABASE_URL=None, IOP_FIELD_KEY=None)
    s = get_settings()
    assert s.database_url == "sqlite:///./data/iop.db"
    assert s.iop_env == "development"
    assert (s.iop_draft_ttl_days, s.iop_retention_unsubmitted_days, s.iop_retention_submitted_days) == (
        14,
        365,
        2555,
    )
    assert (s.iop_urgent_wait_minutes, s.iop_resume_max_failures, s.iop_resume_window_minutes) == (30, 5, 15)


def test_production_refuses_to_start_without_a_field_key(settings_env):
    settings_env(IOP_ENV="production", IOP_FIELD_KEY=None, STREAMLIT_SERVER_COOKIE_SECRET="x" * 40)
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY"):
        get_settings()


def test_production_refuses_to_start_without_a_cookie_secret(settings_env):
    settings_env(
        IOP_ENV="production",
        IOP_FIELD_KEY=Fernet.generate_key().decode(),
        STREAMLIT_SERVER_COOKIE_SECRET=None,
    )
    with pytest.raises(ConfigError, match="STREAMLIT_SERVER_COOKIE_SECRET"):
        get_settings()


def test_production_starts_with_both_secrets(settings_env):
    key = Fernet.generate_key().decode()
    settings_env(IOP_ENV="production", IOP_FIELD_KEY=key, STREAMLIT_SERVER_COOKIE_SECRET="s" * 32)
    assert get_settings().field_keys() == [key.encode()]


def test_a_malformed_field_key_is_refused_by_name(settings_env):
    settings_env(IOP_FIELD_KEY="not-a-key")
    with pytest.raises(ConfigError, match="IOP_FIELD_KEY is not a Fernet key"):
        get_settings()


def test_development_makes_a_private_key_file_once_and_reuses_it(settings_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings_env(IOP_FIELD_KEY=None, DATABASE_URL=None)  # ./data/iop.db: the key goes beside it
    first = get_settings().field_keys()
    key_file = tmp_path / "data" / "field.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    Fernet(first[0])  # a usable key
    get_settings.cache_clear()
    assert get_settings().field_keys() == first


def test_every_setting_is_documented():
    documented = set(re.findall(r"^\|\s*`([A-Z_]+)`", DOCS.read_text(), flags=re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "add these to docs/settings.md"


def test_field_key_rotation_keeps_old_data_readable(settings_env):
    from intake.crypto import decrypt, encrypt

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings_env(IOP_FIELD_KEY=old)
    token = encrypt("Zelda Quixote")
    settings_env(IOP_FIELD_KEY=f"{new},{old}")
    assert decrypt(token) == "Zelda Quixote"
    assert Fernet(new.encode()).decrypt(encrypt("x").encode()) == b"x"  # new data uses the new key
