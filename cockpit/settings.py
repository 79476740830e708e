"""Every setting of the cockpit, read in one place: the environment (``COCKPIT_*``), then
``.streamlit/secrets.toml``, typed and validated by pydantic-settings.

`get()` follows the environment as it is now, so an operator's change or a test's ``monkeypatch.setenv``
takes effect without a restart; it builds the settings again only when a ``COCKPIT_*`` variable changed
(building them takes about a millisecond, and the maps ask for the base map's datum once per polygon). A value that does not parse (e.g.
``COCKPIT_DEMO_DAYS=abc``) raises `SettingsError` with the variable's name.

The one time zone of the product is here as well: `SH` (Asia/Shanghai, no daylight saving).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
TIMEZONE = "Asia/Shanghai"
SH = ZoneInfo(TIMEZONE)

_TRUE = {"1", "true", "yes", "on"}


class SettingsError(ValueError):
    """A setting that does not parse; the message names the variable."""


class Settings(BaseSettings):
    """The cockpit's settings. Field `x` is the environment variable ``COCKPIT_X``."""

    model_config = SettingsConfigDict(env_prefix="COCKPIT_", extra="ignore", frozen=True)

    database_url: str | None = Field(None, description="the operational database; unset: the embedded demo")
    role: str | None = Field(None, description="the viewer's role (viewer, officer, admin, wall)")
    debug: bool = Field(False, description="print the traceback of a command-line failure")
    demo_feed: bool = Field(True, description="append live demo events while the embedded demo runs")
    demo_days: int = Field(365, ge=1, le=3660, description="days of history of the embedded demo")
    demo_scale: float = Field(1.0, gt=0, le=20, description="volume factor of the embedded demo")
    demo_first_days: int = Field(14, ge=0, le=3660, description="the embedded demo's first load holds its last "
                                 "days (and its open cases); the older history follows behind them (0: one load)")
    embedded_dir: Path = Field(ROOT / ".cockpit-data" / "pg", description="data directory of the embedded server")
    max_ttl_seconds: float = Field(float("inf"), gt=0, description="cap on every query's cache time")
    basemap_style: str | None = Field(None, description="a base-map style URL; unset: the offline outline")
    basemap_datum: str = Field("wgs84", description="the datum the base map is drawn in (wgs84, gcj02)")
    wall_check_seconds: float = Field(5.0, ge=1, le=60,
                                      description="how often the big screen checks for new rows and redraws its panels")
    role_claim: str = Field("cockpit_role", description="the ID-token claim that holds the role")
    town_claim: str = Field("cockpit_town", description="the ID-token claim that holds an officer's town")
    squadron_claim: str = Field("cockpit_squadron", description="the ID-token claim that holds an officer's squadron")
    role_map: Path | None = Field(None, description="a TOML file of people and their roles (wins over the claim)")
    audit_log: Path = Field(ROOT / ".cockpit-data" / "audit.jsonl",
                            description="the append-only log (JSON lines) of views of unmasked personal data")
    wall_devices: str | None = Field(None, description="the wall displays' device tokens: name:sha256, comma-separated")
    standby_url: str | None = Field(None, description="a read-only standby the queries read first; the primary "
                                    "(database_url) when it cannot answer")
    redis_url: str | None = Field(None, description="the result cache shared by every replica (redis://host:port/db); "
                                  "unset: each process caches for itself")
    redis_prefix: str = Field("cockpit", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                              description="the prefix of every key the cockpit writes to Redis")
    redis_keep_seconds: float = Field(86_400.0, gt=0, description="how long Redis keeps a last good result "
                                      "after it was fetched (for replicas that start while the database is down)")

    @field_validator("database_url", "role", "basemap_style", "role_map", "wall_devices", "standby_url", "redis_url",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("role_claim", "town_claim", "squadron_claim", mode="before")
    @classmethod
    def _claim(cls, value, info: ValidationInfo):
        if value is None or (isinstance(value, str) and not value.strip()):
            return cls.model_fields[info.field_name].default  # blank: the usual claim's name
        return value.strip() if isinstance(value, str) else value

    @field_validator("debug", "demo_feed", mode="before")
    @classmethod
    def _flag(cls, value):
        if isinstance(value, str):
            return value.strip().lower() in _TRUE
        return value

    @field_validator("max_ttl_seconds", mode="before")
    @classmethod
    def _blank_is_infinite(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return float("inf")
        return value

    @field_validator("basemap_datum", mode="before")
    @classmethod
    def _datum(cls, value):
        return (str(value).strip() or "wgs84").lower() if value is not None else "wgs84"


_built: tuple[tuple[tuple[str, str], ...], Settings] | None = None  # (the COCKPIT_* variables, their settings)


def _variables() -> tuple[tuple[str, str], ...]:
    """Every COCKPIT_* variable of the environment (any case: pydantic-settings reads them so)."""
    return tuple((k, v) for k, v in os.environ.items() if k[:8].upper() == "COCKPIT_")


def get() -> Settings:
    """The settings as they are now (environment first); the same frozen object while no COCKPIT_*
    variable changed. A value that does not parse raises every time, never a setting of before."""
    global _built
    variables = _variables()
    built = _built
    if built is not None and built[0] == variables:
        return built[1]
    try:
        value = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "COCKPIT_" + str(first["loc"][0]).upper() if first.get("loc") else "COCKPIT_*"
        raise SettingsError(f"{name}: {first['msg']}") from None
    _built = (variables, value)
    return value


def secrets(path: Path | None = None) -> dict:
    """``.streamlit/secrets.toml`` as a dict ({} when there is none). A file that does not parse is an
    error, not "no secrets": it must not silently turn an operational setup into the demo."""
    path = path or SECRETS_FILE
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name}: {exc}") from None
