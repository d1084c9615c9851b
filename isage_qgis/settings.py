"""Typed plugin settings, stored in QgsSettings under ``isage/``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields

from qgis.core import QgsSettings

log = logging.getLogger(__name__)

PREFIX = "isage/"


@dataclass
class PluginSettings:
    """What the user chooses once: the engine's Python, the compute device, the click budget, their name,
    how the engine environment is built (torch build, an offline folder of wheels), a Dask cluster
    that predictions run on, whether Predict also proposes where to click next, whether one resident
    engine runs the session's commands and trains while the person clicks, the training time budget,
    and the accuracy
    assessment's sampling design (``isage assess design``: the standard error of overall accuracy its
    sample should reach, the anticipated user's accuracy, how the points are allocated to the classes,
    the random seed)."""

    engine_python: str = ""
    device: str = "auto"
    enforce_budget: bool = True
    annotator: str = ""
    torch: str = "default"  # default | cpu | cuda (isage_qgis.engine.install_plan)
    wheel_folder: str = ""  # empty: the package index
    scheduler: str = ""  # empty: predict in the engine's process; an address or a scheduler file: on Dask
    # a tls:// scheduler: the CA that signed its certificate, this computer's certificate and key (PEM files)
    scheduler_tls_ca: str = ""
    scheduler_tls_cert: str = ""
    scheduler_tls_key: str = ""
    propose: bool = True  # after each prediction, `isage propose` the next clicks for the panel
    resident_engine: bool = True  # one engine process for the session (`isage serve`), not one per command
    # the resident engine trains while the person clicks; Train closes the round. Off by default: in the
    # benchmark with the person's time its maps got worse after the second round (README, issue 23)
    live_training: bool = False
    train_time_budget_s: float = 60.0  # `isage train --time-budget`: seconds of training at most per round
    live_preview: bool = True  # with live training: the map around the newest click, every few seconds
    assess_target_se: float = 0.025  # --target-se: a smaller standard error needs more points
    assess_anticipated: float = 0.85  # --anticipated: the user's accuracy expected of every class
    assess_allocation: str = "minimum"  # proportional | equal | minimum (proportional, >= assess_minimum)
    assess_minimum: int = 50  # points per class at least, with the minimum allocation
    assess_seed: int = 0  # --seed: the same seed, map and settings draw the same sample

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
            try:
                values[f.name] = type(fallback)(value) if value is not None else fallback
            except (TypeError, ValueError):  # a number edited by hand into something else
                log.warning("setting %s%s=%r is not a %s; using %r", PREFIX, f.name, value,
                            type(fallback).__name__, fallback)  # fmt: skip
                values[f.name] = fallback
        return cls(**values)

    def save(self) -> None:
        """Write every field to QgsSettings."""
        store = QgsSettings()
        for f in fields(self):
            store.setValue(PREFIX + f.name, getattr(self, f.name))

    def scheduler_tls(self) -> tuple[str, str, str]:
        """The TLS files of the scheduler: CA, certificate, key."""
        return self.scheduler_tls_ca, self.scheduler_tls_cert, self.scheduler_tls_key


def scheduler_args(scheduler: str, tls: Sequence[str] = ()) -> list[str]:
    """The engine's options for the Dask scheduler of the settings: an address, or a scheduler file
    (a path ending in .json), with the TLS files (CA, certificate, key) of a tls:// scheduler when all
    three are given; nothing when it is empty (the engine predicts in its own process)."""
    scheduler = scheduler.strip()
    if not scheduler:
        return []
    args = ["--scheduler-file" if scheduler.lower().endswith(".json") else "--scheduler", scheduler]
    files = [str(f).strip() for f in tls]
    if len(files) == 3 and all(files):
        args += ["--tls-ca-file", files[0], "--tls-cert", files[1], "--tls-key", files[2]]
    return args


ALLOCATIONS = ("proportional", "equal", "minimum")


def assessment_args(settings: PluginSettings) -> list[str]:
    """The options of ``isage assess design`` that the settings choose: ``--target-se``,
    ``--anticipated``, ``--allocation`` (``minimum:K`` for the minimum allocation) and ``--seed``."""
    allocation = settings.assess_allocation if settings.assess_allocation in ALLOCATIONS else "minimum"
    if allocation == "minimum":
        allocation = f"minimum:{max(1, int(settings.assess_minimum))}"  # no-i18n
    return [
        "--target-se", repr(float(settings.assess_target_se)),
        "--anticipated", repr(float(settings.assess_anticipated)),
        "--allocation", allocation,
        "--seed", str(int(settings.assess_seed)),
    ]  # fmt: skip
