"""Typed plugin settings, stored in QgsSettings under ``isage/``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from qgis.core import QgsSettings

log = logging.getLogger(__name__)

PREFIX = "isage/"


@dataclass
class PluginSettings:
    """What the user chooses once: the engine's Python, the compute device, the click budget, their name,
    how the engine environment is built (torch build, an offline folder of wheels), a Dask cluster
    that predictions run on, and whether Predict also proposes where to click next."""

    engine_python: str = ""
    device: str = "auto"
    enforce_budget: bool = True
    annotator: str = ""
    torch: str = "default"  # default | cpu | cuda (isage_qgis.engine.install_plan)
    wheel_folder: str = ""  # empty: the package index
    scheduler: str = ""  # empty: predict in the engine's process; an address or a scheduler file: on Dask
    propose: bool = True  # after each prediction, `isage propose` the next clicks for the panel

    @classmethod
    def load(cls) -> PluginSettings:
        """Read from QgsSettings; absent keys keep their defaults."""
        store, default = QgsSettings(), cls()
        values = {}
        for f in fields(cls):
            fallback = getattr(default, f.name)
            value = store.value(PREFIX + f.name, fallback)
            if isinstance(fallback, bool):
                value = value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
            values[f.name] = type(fallback)(value) if value is not None else fallback
        return cls(**values)

    def save(self) -> None:
        """Write every field to QgsSettings."""
        store = QgsSettings()
        for f in fields(self):
            store.setValue(PREFIX + f.name, getattr(self, f.name))


def scheduler_args(scheduler: str) -> list[str]:
    """The engine's options for the Dask scheduler of the settings: an address, or a scheduler file
    (a path ending in .json); nothing when it is empty (the engine predicts in its own process)."""
    scheduler = scheduler.strip()
    if not scheduler:
        return []
    return ["--scheduler-file" if scheduler.lower().endswith(".json") else "--scheduler", scheduler]
