"""The session's resident engine (one ``isage serve`` process while a record is open): starting and
stopping it, the runs it takes, live training and its preview of the map. A part of
:class:`~isage_qgis.panel.session.IsageSession`, kept apart for its size."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path

from ..engine import handshake
from ..engine.pipeline import Step
from ..engine.resident import ResidentEngine
from ..engine.worker import EngineRun, is_executable
from ..layers import postgis_clicks as record_layers
from ..layers.live_preview import remove_live_preview, show_live_preview
from ..record.model import ClickRecordError
from ..translation import tr
from . import model as dm

log = logging.getLogger(__name__)

LIVE_PREVIEW_EVERY_S = 5.0  # the live preview of the map at most this often (each costs a small prediction)


class ResidentEngineMixin:
    """What :class:`IsageSession` does with its resident engine (``self.engine``)."""

    def resident_engine(self, python: str) -> ResidentEngine:
        """The session's resident engine for ``python`` and the open record's login (a new one when the
        engine Python, or the record and so the login in its environment, changed)."""
        env = self.engine_login()
        if self.engine is not None and (self.engine.python != python or self.engine.env != env):
            self.stop_engine()
        if self.engine is None:
            self.engine = ResidentEngine(python, self, env=env)
            self.engine.liveChanged.connect(self._live_changed)
        return self.engine

    def engine_login(self) -> Mapping[str, str]:
        """What the engine's environment needs to reach the open record: a PostGIS record's logins (the
        person's and the trainer's), {} for a GeoPackage."""
        if not record_layers.is_postgis(self.record):
            return {}
        try:
            return dict(self.record.engine_environment())
        except ClickRecordError as exc:
            log.warning("the resident engine gets no login: %s", exc)
            return {}

    def steps_with_login(self, steps: list[Step], resident: bool) -> list[Step] | None:
        """``steps`` for the open record: a PostGIS record's login in the engine processes' environment only
        (None, and why said, when it cannot be read). The resident engine holds it already (it starts again
        when the record changes); a step run in its own process gets it under its own variables (creating
        another record: that record's login wins)."""
        if not record_layers.is_postgis(self.record):
            return steps
        try:
            env = dict(self.record.engine_environment())
        except ClickRecordError as exc:
            self._say("critical", tr("iSAGE engine"), str(exc))
            return None
        return [
            step if resident and not step.env else dataclasses.replace(step, env={**env, **(step.env or {})})
            for step in steps
        ]

    def _live_changed(self, status: dict) -> None:
        """Pass the live status on; a new preview of the map replaces the live preview layer."""
        mine = self.record is not None and status.get("workspace") == str(Path(self.workspace).resolve())
        if status.get("preview") and mine:
            frame, iteration = str(status.get("frame", "")), int(status.get("iteration") or 0)
            show_live_preview(self.project, status["preview"], frame, iteration, self.state.classes)
        self.liveChanged.emit(status)

    def _run_for(self, python: str, args: list[str]):
        """A step's run: on the resident engine, except the version check, which must pass before an
        engine is trusted to stay up (its own process, as without the resident engine)."""
        if args == handshake.ARGS:
            return EngineRun(python, args, self)
        return self.resident_engine(python).run(args)

    def update_live(self) -> None:
        """While a record is open: the resident engine up, training live if the settings ask for it."""
        settings = self.load_settings()
        python = self.engine_python() if self.record is not None else None
        wanted = settings.resident_engine and python and is_executable(python)
        wanted = wanted and handshake.is_verified(python)  # else after the first run checked it
        if not wanted:
            if self.engine is not None:
                self.engine.set_live(None)
            return
        options = dm.train_options(settings, self.train_extra)
        engine = self.resident_engine(python)
        engine.start()  # up before the press, whether it trains live or not
        preview = LIVE_PREVIEW_EVERY_S if settings.live_preview else None
        engine.set_live(self.workspace if settings.live_training else None, options, preview)
        if not (settings.live_training and settings.live_preview):
            remove_live_preview(self.project)

    def restart_engine(self) -> None:
        """Start the resident engine again (after a crash, a kill or an engine update)."""
        if self.engine is not None and not self.busy:
            self.engine.restart()
        else:
            self.update_live()

    def stop_engine(self) -> None:
        """End the resident engine process (its live round is discarded; nothing of it was written)."""
        remove_live_preview(self.project)
        if self.engine is not None:
            self.engine.stop()
            self.engine.deleteLater()
            self.engine = None
