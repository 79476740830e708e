"""Who is looking and what they may see: roles, the wall's device credential, filter locks, the audit log.

No Streamlit here (the glue is in cockpit/ui.py). Three ways in, one `Identity` out:

- the bureau's identity provider (Streamlit's OIDC login, `[auth]` in secrets): the role comes from the
  ID token's claim (`COCKPIT_ROLE_CLAIM`, default ``cockpit_role``) or from the mapping file
  (`COCKPIT_ROLE_MAP`), which wins for the people it lists;
- a wall display's device token (`COCKPIT_WALL_DEVICES`: ``name:sha256`` pairs), which is role wall;
- neither configured (the embedded demo, a laptop): the role of the installation, `COCKPIT_ROLE`, as
  before (viewer, officer, admin, wall), with personal data masked unless that role allows it.

Roles from the identity provider:

==========  ===================================  ======================================
leadership  every town and squadron              personal data masked
officer     filters locked to their town and/or  personal data their duty needs unmasked
            squadron (claims ``cockpit_town``,    (every view of it is audited)
            ``cockpit_squadron`` or the file)
wall        the wall screen only                 no personal data, ever
==========  ===================================  ======================================

Anyone else is refused (`Identity.reason` says why). A URL can never widen a role: `lock` refuses a
town or squadron outside an officer's own.

The audit log is JSON lines, one view a line, appended (`O_APPEND`) and never rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LEADERSHIP, OFFICER, WALL = "leadership", "officer", "wall"
ROLES = (LEADERSHIP, OFFICER, WALL)  # when a claim holds several, the first of these it holds wins
ALIASES = {"town_officer": OFFICER, "squadron_officer": OFFICER}
LOCAL_ROLES_WITH_PERSONAL_DATA = frozenset({"officer", "admin"})  # COCKPIT_ROLE without a login, as before
HIDDEN, MASKED, FULL = "hidden", "masked", "full"

# Why someone is not let in (texts: "refused_<reason>" in cockpit/i18n.py)
LOGIN = "login"                          # not signed in yet: the login page
NO_ROLE = "no_role"                      # signed in, no role in the claim or the file
UNKNOWN_ROLE = "unknown_role"            # a role the cockpit does not know
NO_SCOPE = "officer_without_scope"       # an officer without a town or squadron
DEVICE_UNKNOWN = "device_unknown"        # a wall whose token matches no registered device
DEVICE_NEEDED = "device_needed"          # the wall screen without a device token or a login

SOURCE_OIDC, SOURCE_DEVICE, SOURCE_LOCAL = "oidc", "device", "local"
AUDIT_REPEAT_SECONDS = 300  # the same person, page and filters within this time is one view


class IdentityConfigError(ValueError):
    """A mapping file or a device list that does not parse; the message says which and why."""


@dataclass(frozen=True)
class Identity:
    role: str | None                    # None: refused (see reason)
    who: str                            # e-mail or subject; the device's name; "local"
    source: str = SOURCE_LOCAL
    name: str | None = None
    subject: str | None = None
    town_code: str | None = None        # an officer's town (the filters are locked to it)
    squadron_code: str | None = None    # an officer's squadron
    reason: str | None = None

    @property
    def refused(self) -> bool:
        return self.role is None

    @property
    def personal(self) -> str:
        """How much personal data this viewer may see: HIDDEN, MASKED or FULL."""
        if self.role is None or self.role == WALL:
            return HIDDEN
        if self.source == SOURCE_LOCAL:
            return FULL if self.role in LOCAL_ROLES_WITH_PERSONAL_DATA else MASKED
        return FULL if self.role == OFFICER else MASKED

    @property
    def locks(self) -> dict[str, str]:
        """The URL filters this viewer may not change: {"town": code, "squadron": code}."""
        if self.role != OFFICER or self.source != SOURCE_OIDC:
            return {}
        return {k: v for k, v in (("town", self.town_code), ("squadron", self.squadron_code)) if v}

    @property
    def wall_only(self) -> bool:
        """A wall device or wall account sees the wall screen and nothing else."""
        return self.role == WALL and self.source != SOURCE_LOCAL


def local(role: str | None) -> Identity:
    """The installation's role when no login is configured (COCKPIT_ROLE; default viewer)."""
    return Identity(role=(role or "viewer").strip().lower() or "viewer", who="local", source=SOURCE_LOCAL)


def refused(reason: str, who: str = "", **extra) -> Identity:
    return Identity(role=None, who=who, reason=reason, **extra)


# ------------------------------------------------------------------ roles from claims or the file
@dataclass(frozen=True)
class Grant:
    """One person's entry in the mapping file."""
    role: str
    town: str | None = None
    squadron: str | None = None


@dataclass(frozen=True)
class RoleMap:
    """The mapping file: people by e-mail or subject (compared without case)."""
    people: Mapping[str, Grant] = field(default_factory=dict)

    def lookup(self, *keys: str | None) -> Grant | None:
        for key in keys:
            if key and key.strip().lower() in self.people:
                return self.people[key.strip().lower()]
        return None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    text = str(value).strip()
    return text or None


def role_of(value: object) -> str | None | bool:
    """A claim's role: one of ROLES; None when the claim is absent or empty; False when it holds no known
    role. A list (a groups claim) gives the first of ROLES it holds."""
    values = value if isinstance(value, (list, tuple)) else [value]
    found = [ALIASES.get(t.lower(), t.lower()) for t in (_text(v) for v in values) if t]
    if not found:
        return None
    return next((r for r in ROLES if r in found), False)


def load_role_map(path: Path | None) -> RoleMap:
    """The mapping file (TOML), or an empty map when there is none configured::

        [people."zhang.san@pinghu.gov.cn"]
        role = "officer"
        town = "330482001"
    """
    if path is None:
        return RoleMap()
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise IdentityConfigError(f"COCKPIT_ROLE_MAP {Path(path).name}: {exc}") from None
    people: dict[str, Grant] = {}
    for key, entry in (data.get("people") or {}).items():
        role = role_of(entry.get("role")) if isinstance(entry, dict) else None
        if not role:
            raise IdentityConfigError(f"COCKPIT_ROLE_MAP {Path(path).name}: {key}: role must be one of "
                                      f"{', '.join(ROLES)}")
        people[key.strip().lower()] = Grant(role, _text(entry.get("town")), _text(entry.get("squadron")))
    return RoleMap(people)


def from_claims(claims: Mapping[str, object], *, role_claim: str = "cockpit_role",
                town_claim: str = "cockpit_town", squadron_claim: str = "cockpit_squadron",
                role_map: RoleMap | None = None) -> Identity:
    """The identity of a signed-in person from their ID token's claims (and the mapping file)."""
    subject = _text(claims.get("sub"))
    email = _text(claims.get("email"))
    who = email or subject or "?"
    name = _text(claims.get("name")) or _text(claims.get("preferred_username"))
    base = {"who": who, "source": SOURCE_OIDC, "name": name, "subject": subject}
    grant = (role_map or RoleMap()).lookup(subject, email)
    if grant is not None:
        role, town, squadron = grant.role, grant.town, grant.squadron
    else:
        role = role_of(claims.get(role_claim))
        town, squadron = _text(claims.get(town_claim)), _text(claims.get(squadron_claim))
    if role is None:
        return refused(NO_ROLE, **base)
    if role is False:
        return refused(UNKNOWN_ROLE, **base)
    if role == OFFICER and not (town or squadron):
        return refused(NO_SCOPE, **base)
    if role != OFFICER:  # leadership sees every town; a wall is not a place
        town = squadron = None
    return Identity(role=role, town_code=town, squadron_code=squadron, **base)


# ------------------------------------------------------------------ the wall's device credential
def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a device token: what the configuration holds, never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_devices(text: str | None) -> dict[str, str]:
    """`COCKPIT_WALL_DEVICES`: ``name:sha256`` pairs separated by commas → {digest: name}."""
    devices: dict[str, str] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, _, digest = item.rpartition(":")
        digest = digest.strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise IdentityConfigError(f"COCKPIT_WALL_DEVICES: {name or item!r} needs a SHA-256 in hex "
                                      "(python -m cockpit wall-token makes one)")
        devices[digest] = name.strip() or digest[:8]
    return devices


def device(token: str | None, devices: Mapping[str, str]) -> Identity | None:
    """The wall identity of a registered device token; a refusal for an unknown token; None without one."""
    if not token:
        return None
    digest = token_digest(token.strip())
    for known, name in devices.items():
        if hmac.compare_digest(known, digest):
            return Identity(role=WALL, who=f"device:{name}", source=SOURCE_DEVICE, name=name)
    return refused(DEVICE_UNKNOWN, who="device:?", source=SOURCE_DEVICE)


def new_device_token() -> tuple[str, str]:
    """A fresh device token and its digest (the token goes on the wall, the digest in the settings)."""
    token = os.urandom(24).hex()
    return token, token_digest(token)


# ------------------------------------------------------------------ filters the role locks
def lock(identity: Identity, params: Mapping[str, object]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """`params` (URL filters) with the role's locks applied, and every (key, value) the role refused: a
    town or squadron other than the officer's own. An absent one is simply set to their own."""
    out = dict(params)
    refused_values: list[tuple[str, str]] = []
    for key, own in identity.locks.items():
        asked = out.get(key)
        if isinstance(asked, (list, tuple)):
            asked = asked[-1] if asked else None
        asked = _text(asked)
        if asked is not None and asked != own:
            refused_values.append((key, asked))
        out[key] = own
    return out, refused_values


# ------------------------------------------------------------------ the audit log
@dataclass(frozen=True)
class View:
    """One view of unmasked personal data."""
    at: dt.datetime
    identity: Identity
    page: str
    filters: Mapping[str, object]
    fields: tuple[str, ...]
    rows: int

    def key(self) -> tuple:
        return (self.identity.who, self.page, json.dumps(self.filters, sort_keys=True, default=str), self.fields)

    def line(self) -> str:
        who = self.identity
        return json.dumps({
            "at": self.at.isoformat(timespec="seconds"), "who": who.who, "subject": who.subject,
            "name": who.name, "role": who.role, "source": who.source, "page": self.page,
            "filters": {k: v for k, v in sorted(self.filters.items()) if v is not None},
            "fields": list(self.fields), "rows": self.rows,
        }, ensure_ascii=False, default=str, sort_keys=False)


def is_new_view(last: tuple[tuple, dt.datetime] | None, view: View,
                repeat_seconds: float = AUDIT_REPEAT_SECONDS) -> bool:
    """Whether `view` is a new view and not a rerun of the last one recorded in this session (same person,
    page, filters and fields within `repeat_seconds`)."""
    if last is None:
        return True
    key, at = last
    return key != view.key() or (view.at - at).total_seconds() >= repeat_seconds


_WRITE = threading.Lock()


def append(path: Path, view: View) -> None:
    """Append one line to the audit log (created 0640 with its folder); raises OSError when it cannot."""
    data = (view.line() + "\n").encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _WRITE:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"audit log {path.name}: short write")
            os.fsync(fd)
        finally:
            os.close(fd)


def read(path: Path) -> list[dict]:
    """The audit log's lines, oldest first ([] when there is none)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

