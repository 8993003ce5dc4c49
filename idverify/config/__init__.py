"""The service's configuration: one frozen, typed object, read once at start-up.

Sources, later ones winning: built-in defaults, a TOML file (``--config FILE`` or
``IDVERIFY_CONFIG``), environment variables ``IDVERIFY_<SECTION>__<KEY>`` (values parsed as TOML
scalars, so ``IDVERIFY_SERVER__PORT=6000`` is an int), then command-line flags. The result is
validated once (:func:`idverify.settings.build`) and passed down explicitly; nothing reads the
environment after start-up.

Each engine owns its section's dataclass beside its code, and the transport's sections are in
:mod:`idverify.config.transport`; this package only composes them. It sits below the server and
the application layer and above the engines: it imports their settings, never their code.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from idverify.documents.settings import DocumentSettings
from idverify.errors import ConfigError
from idverify.faces.settings import FaceSettings
from idverify.images.settings import ImageSettings
from idverify.policy.rules import PolicySettings
from idverify.profile.settings import ProfileSettings
from idverify.reverify.settings import ReverifySettings
from idverify.screening.settings import ScreeningSettings
from idverify.config.transport import (AuthSettings, LimitSettings, ServerSettings, StoreSettings, TlsSettings,
                                       default_db_path)
from idverify.metrics import MetricsSettings
from idverify.settings import build, read_toml
from linker.settings import LinkerSettings

__all__ = ["Config", "ServerSettings", "StoreSettings", "default_db_path", "load_config", "section_names"]

ENV_PREFIX = "IDVERIFY_"


@dataclass(frozen=True)
class Config:
    """Every setting of the service, by section (one TOML table each)."""

    server: ServerSettings = field(default_factory=ServerSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    tls: TlsSettings = field(default_factory=TlsSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    reverify: ReverifySettings = field(default_factory=ReverifySettings)
    profile: ProfileSettings = field(default_factory=ProfileSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    images: ImageSettings = field(default_factory=ImageSettings)
    faces: FaceSettings = field(default_factory=FaceSettings)
    linker: LinkerSettings = field(default_factory=LinkerSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    screening: ScreeningSettings = field(default_factory=ScreeningSettings)

    def validate(self) -> None:
        needed = self.limits.threads_needed
        if self.server.threads < needed:
            raise ConfigError(
                f"server.threads ({self.server.threads}) must be at least the running and queued calls of "
                f"both classes (limits.max_concurrent_calls + max_queued_calls + max_concurrent_light_calls "
                f"+ max_queued_light_calls) + 2 ({needed}) so queued calls have threads to wait on",
                reason="CONFIG_VALUE",
            )


def load_config(
    path: str | Path | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read and validate the configuration from a TOML file, the environment and overrides.

    ``overrides`` maps section to key to value (from command-line flags); ``None`` values are
    ignored. Raises :class:`ConfigError` with the offending path on any invalid value.
    """
    environ = os.environ if environ is None else environ
    data: dict[str, dict[str, Any]] = {}
    path = path or environ.get(ENV_PREFIX + "CONFIG") or None
    if path:
        loaded = read_toml(path, "config file")
        for section, table in loaded.items():
            if not isinstance(table, dict):
                raise ConfigError(f"{section} must be a table in {path}", reason="CONFIG_TYPE")
            data[section] = dict(table)
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        data.setdefault(section, {})[key] = _parse_env_value(raw)
    for section, table in (overrides or {}).items():
        for key, value in table.items():
            if value is not None:
                data.setdefault(section, {})[key] = value
    return build(Config, data)


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def section_names() -> list[str]:
    """The TOML tables the configuration accepts."""
    return [f.name for f in dataclasses.fields(Config)]
