"""API-key authentication and scopes.

Clients send ``authorization: Bearer <key>`` (or ``x-api-key: <key>``) as call metadata. Keys
are random tokens of at least 128 bits made by ``idverify keys create``; the server keeps only
their SHA-256 (a fast hash is right for high-entropy tokens: there is nothing to brute-force),
with the client id and its scopes, in a TOML keys file:

    [[keys]]
    client = "signup-backend"
    sha256 = "9f86d0..."
    scopes = ["verify", "link"]

Scopes: ``verify`` (VerificationService), ``link`` (registering, checking and explaining
accounts, contracts), ``review`` (RecordReview, RequestReverification), ``screen`` (ScreeningService:
messages, profiles, job posts), ``admin`` (DeleteAccount, and every scope).
Signup verifies and registers, so it needs both ``verify`` and ``link``.
Health and reflection stay open. A call with no or an unknown key gets UNAUTHENTICATED; a key
without the method's scope gets PERMISSION_DENIED.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from idverify.config.transport import AuthSettings
from idverify.errors import ConfigError, PermissionDenied, Unauthenticated
from idverify.server.calls import CallInfo, is_open_method
from idverify.settings import build, read_toml, write_toml

__all__ = ["ApiKey", "Authenticator", "KeysFile", "SCOPES", "Scope", "append_key", "hash_key", "load_keys", "new_key",
           "required_scope", "required_scopes"]

Scope = Literal["verify", "link", "review", "screen", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
KEY_PREFIX = "idv_"

_SCOPE_OF_RPC = {
    "linker.v1.LinkingService/RecordReview": "review",
    "idverify.v1.VerificationService/RequestReverification": "review",
    "linker.v1.LinkingService/DeleteAccount": "admin",
}
_SCOPE_OF_SERVICE = {"idverify.v1.VerificationService": "verify", "linker.v1.LinkingService": "link",
                     "idverify.screening.v1.ScreeningService": "screen"}
#: Methods that need more than their service's scope: Signup writes to the linker too.
_ALSO_NEEDED = {"idverify.v1.VerificationService/Signup": ("link",)}


_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class ApiKey:
    """One client's hashed key and scopes: one ``[[keys]]`` entry of the keys file."""

    client: str
    #: SHA-256 of the key, 64 lower-case hex digits.
    sha256: str
    scopes: frozenset[Scope] = field(default_factory=frozenset)

    def validate(self) -> None:
        """Raise ConfigError (CONFIG_VALUE) for an empty client or a digest that is not SHA-256 hex."""
        if not self.client:
            raise ConfigError("client must be a non-empty string", reason="CONFIG_VALUE")
        if len(self.sha256) != 64 or not set(self.sha256) <= _HEX:
            raise ConfigError("sha256 must be 64 lower-case hex digits", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class KeysFile:
    """The keys file's schema: a list of ``[[keys]]`` tables."""

    keys: tuple[ApiKey, ...] = ()


def required_scope(method: str) -> str | None:
    """The scope ``/pkg.Service/Method`` needs, or None for open methods."""
    if is_open_method(method):
        return None
    path = method.strip("/")
    return _SCOPE_OF_RPC.get(path) or _SCOPE_OF_SERVICE.get(path.split("/")[0], "admin")


def required_scopes(method: str) -> tuple[str, ...]:
    """Every scope ``/pkg.Service/Method`` needs (empty for open methods)."""
    scope = required_scope(method)
    return () if scope is None else (scope, *_ALSO_NEEDED.get(method.strip("/"), ()))


def new_key() -> tuple[str, str]:
    """A fresh random key (256 bits) and its SHA-256 hex digest; show the key once, keep the hash."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hash_key(key)


def hash_key(key: str) -> str:
    """SHA-256 hex digest of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_keys(path: str | Path) -> list[ApiKey]:
    """Read and validate a keys file; ConfigError names the file and the entry (``keys[1].scopes[0]``).

    The reasons are the configuration's: CONFIG_UNREADABLE, CONFIG_SYNTAX, CONFIG_UNKNOWN_KEY,
    CONFIG_TYPE and CONFIG_VALUE.
    """
    return list(build(KeysFile, read_toml(path, "keys file"), source=f"keys file {path}").keys)


def append_key(path: str | Path, client: str, digest: str, scopes: list[str]) -> None:
    """Add a hashed key to a keys file (created if absent), keeping the keys already there.

    The whole file is read, the entry appended and the file rewritten atomically with mode 0600
    (see :func:`idverify.settings.write_toml`), so a server starting meanwhile never reads half a
    file and any client id, quotes included, stays valid TOML.
    """
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise ConfigError(f"scopes must be some of {', '.join(SCOPES)}", reason="CONFIG_VALUE")
    path = Path(path)
    data = read_toml(path, "keys file") if path.exists() else {}
    entry = {"client": client, "sha256": digest, "scopes": list(scopes)}
    # Checked before writing, old entries and new, so a broken file is refused rather than extended.
    build(KeysFile, data, source=f"keys file {path}")
    build(ApiKey, entry, "new key")
    data["keys"] = [*data.get("keys", []), entry]
    write_toml(path, data, "keys file", mode=0o600)


class Authenticator:
    """A call guard: checks the key and the scope before the servicer runs."""

    def __init__(self, keys: list[ApiKey]) -> None:
        self._by_hash = {k.sha256: k for k in keys}

    @contextlib.contextmanager
    def __call__(self, call: CallInfo) -> Iterator[None]:
        scopes = required_scopes(call.method)
        if scopes:
            key = self._presented_key(call.metadata)
            if key is None:
                raise Unauthenticated("this call needs an API key: send `authorization: Bearer <key>`",
                                      reason="API_KEY_MISSING")
            entry = self._lookup(key)
            if entry is None:
                raise Unauthenticated("the API key is not valid", reason="API_KEY_INVALID")
            call.client_id, call.scopes = entry.client, entry.scopes
            missing = [s for s in scopes if s not in entry.scopes]
            if missing and "admin" not in entry.scopes:
                raise PermissionDenied(f"the key of client {entry.client!r} lacks the {missing[0]!r} scope",
                                       reason="SCOPE_MISSING", metadata={"scope": missing[0]})
        yield

    @staticmethod
    def _presented_key(metadata: Mapping[str, str]) -> str | None:
        auth = metadata.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        return metadata.get("x-api-key") or None

    def _lookup(self, key: str) -> ApiKey | None:
        digest = hash_key(key)
        entry = self._by_hash.get(digest)
        # compare_digest keeps the final comparison constant-time
        return entry if entry is not None and hmac.compare_digest(entry.sha256, digest) else None
