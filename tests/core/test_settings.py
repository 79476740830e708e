"""Settings are read in one place, typed; a bad value is refused with its variable's name."""

import math

import pytest

from cockpit import db, settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "ROLE", "DEBUG", "DEMO_FEED", "DEMO_DAYS", "DEMO_SCALE", "DEMO_FIRST_DAYS",
                 "EMBEDDED_DIR",
                 "MAX_TTL_SECONDS", "BASEMAP_STYLE", "BASEMAP_DATUM", "WALL_CHECK_SECONDS", "STANDBY_URL", "REDIS_URL",
                 "REDIS_PREFIX", "REDIS_KEEP_SECONDS"):
        monkeypatch.delenv(f"COCKPIT_{name}", raising=False)


def test_defaults():
    s = settings.get()
    assert (s.database_url, s.role, s.debug, s.demo_feed, s.demo_days, s.demo_scale) == (None, None, False, True, 365, 1.0)
    assert math.isinf(s.max_ttl_seconds) and s.basemap_style is None and s.basemap_datum == "wgs84"
    assert s.wall_check_seconds == 5.0 and s.demo_first_days == 14
    assert str(settings.SH) == "Asia/Shanghai"


def test_environment_values_are_typed(monkeypatch):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", "  postgresql://u@h/db  ")
    monkeypatch.setenv("COCKPIT_DEMO_FEED", "0")
    monkeypatch.setenv("COCKPIT_DEBUG", "yes")
    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "30")
    monkeypatch.setenv("COCKPIT_MAX_TTL_SECONDS", "15")
    monkeypatch.setenv("COCKPIT_BASEMAP_DATUM", "GCJ02")
    monkeypatch.setenv("COCKPIT_BASEMAP_STYLE", " ")
    s = settings.get()
    assert s.database_url == "postgresql://u@h/db" and s.demo_feed is False and s.debug is True
    assert s.demo_days == 30 and s.max_ttl_seconds == 15.0 and s.basemap_datum == "gcj02" and s.basemap_style is None


@pytest.mark.parametrize("name, value", [("DEMO_DAYS", "abc"), ("DEMO_DAYS", "0"), ("DEMO_FIRST_DAYS", "-1"), ("DEMO_SCALE", "-1"),
                                         ("MAX_TTL_SECONDS", "soon"), ("WALL_CHECK_SECONDS", "0.1")])
def test_a_bad_value_names_its_variable(monkeypatch, name, value):
    monkeypatch.setenv(f"COCKPIT_{name}", value)
    with pytest.raises(settings.SettingsError, match=f"COCKPIT_{name}"):
        settings.get()


def test_secrets_file(tmp_path, monkeypatch):
    assert settings.secrets(tmp_path / "none.toml") == {}
    good = tmp_path / "secrets.toml"
    good.write_text('[connections.ops]\nhost = "db.local"\nport = 5433\ndatabase = "ops"\nusername = "ro"\n')
    assert db.configured_url(good) == "postgresql+psycopg://ro@db.local:5433/ops"
    monkeypatch.setenv("COCKPIT_DATABASE_URL", "postgresql://env@h/x")
    assert db.configured_url(good) == "postgresql+psycopg://env@h/x"  # the environment wins


def test_a_broken_secrets_file_is_an_error_not_the_demo(tmp_path):
    bad = tmp_path / "secrets.toml"
    bad.write_text('[connections.ops\nurl = "postgresql://x"\n')
    with pytest.raises(settings.SettingsError, match="secrets.toml"):
        db.configured_url(bad)
    assert db.configured_url(tmp_path / "absent.toml") is None


def test_the_app_names_a_bad_setting_instead_of_a_traceback(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "abc")
    at = AppTest.from_file("../../streamlit_app.py", default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1 and "COCKPIT&#95;DEMO&#95;DAYS" in at.error[0].value


def test_replica_settings(monkeypatch):
    s = settings.get()
    assert (s.standby_url, s.redis_url, s.redis_prefix, s.redis_keep_seconds) == (None, None, "cockpit", 86_400.0)
    monkeypatch.setenv("COCKPIT_REDIS_URL", " redis://cache.local:6379/2 ")
    monkeypatch.setenv("COCKPIT_STANDBY_URL", " ")
    monkeypatch.setenv("COCKPIT_REDIS_PREFIX", "pinghu-cockpit")
    s = settings.get()
    assert s.redis_url == "redis://cache.local:6379/2" and s.standby_url is None and s.redis_prefix == "pinghu-cockpit"
    monkeypatch.setenv("COCKPIT_REDIS_PREFIX", "bad prefix:*")
    with pytest.raises(settings.SettingsError, match="COCKPIT_REDIS_PREFIX"):
        settings.get()


def test_the_settings_are_built_again_only_when_a_variable_changes(monkeypatch):
    """The maps ask once per polygon: the same object while the environment stays; a change, a new
    variable or a removed one, in any case of the name, is read at once; a bad value raises every time."""
    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "30")
    first = settings.get()
    assert settings.get() is first and first.demo_days == 30
    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "31")
    assert settings.get().demo_days == 31
    monkeypatch.setenv("cockpit_basemap_datum", "gcj02")
    assert settings.get().basemap_datum == "gcj02"
    monkeypatch.delenv("cockpit_basemap_datum")
    assert settings.get().basemap_datum == "wgs84"
    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "abc")
    for _ in range(2):
        with pytest.raises(settings.SettingsError, match="COCKPIT_DEMO_DAYS"):
            settings.get()
    monkeypatch.setenv("COCKPIT_DEMO_DAYS", "31")
    assert settings.get().demo_days == 31
