"""The dock's controller: the open click record, the engine runs and the layers they produce. No widgets.

Signals carry everything the dock shows: ``stateChanged(DockState)``, ``busyChanged(bool)``,
``progress(fraction, text)``, ``message(level, title, text)`` (level: info, success, warning, critical)
``layersAdded(list)``, ``proposalsChanged(ProposalQueue)`` (where to click next: loaded after a
prediction, synced with the clicks on every refresh) and ``engineProblem(text)`` (the engine found is not
this plugin's version or cannot train: the dock offers Update engine). The engine and QGIS never write
the record at once: pending edits are saved before a run and click editing is refused while one runs
(``busy``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..clicks.layer import ClickRecordLayer
from ..clicks.postgis_record import PostgisClickRecord
from ..engine import handshake
from ..engine.discovery import find_engine_python
from ..engine.pipeline import Pipeline, Step
from ..engine.resident import ResidentEngine
from ..engine.worker import is_executable, missing_engine_message
from ..layers import postgis_clicks as record_layers
from ..layers import results as layers
from ..record import postgis
from ..record.model import ClassInfo, ClickRecordError
from ..record.postgis import PostgisTarget
from ..record.view import RecordError, RecordSnapshot, read_record
from ..settings import PluginSettings
from ..translation import tr
from . import model as dm
from .frames_session import FramesMixin
from .live_session import ResidentEngineMixin
from .proposals import Proposal, ProposalQueue, ProposalsError

log = logging.getLogger(__name__)
RECORD_NAME = "clicks.gpkg"
Extent = tuple[QgsRectangle, QgsCoordinateReferenceSystem]


class IsageSession(FramesMixin, ResidentEngineMixin, QObject):
    """One open click record and at most one engine pipeline at a time."""

    stateChanged = pyqtSignal(object)  # noqa: N815 - DockState
    busyChanged = pyqtSignal(bool)  # noqa: N815
    progress = pyqtSignal(float, str)
    message = pyqtSignal(str, str, str)  # level, title, text
    layersAdded = pyqtSignal(list)  # noqa: N815
    engineProblem = pyqtSignal(str)  # noqa: N815
    proposalsChanged = pyqtSignal(object)  # noqa: N815 - ProposalQueue
    liveChanged = pyqtSignal(dict)  # noqa: N815 - the resident engine's live training status

    def __init__(
        self,
        project: QgsProject | None = None,
        settings_loader: Callable[[], PluginSettings] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.project = project or QgsProject.instance()
        self.load_settings = settings_loader or PluginSettings.load
        self.record: ClickRecordLayer | PostgisClickRecord | None = None
        self.watcher: record_layers.RecordWatcher | None = None  # a PostGIS record's changes by others
        self.snapshot: RecordSnapshot | None = None
        self.state = dm.DockState()
        self.proposals = ProposalQueue()
        self.pipeline: Pipeline | None = None
        # extra `isage train` options (model, steps...), for experts and tests
        self.train_extra: list[str] = []
        self._temp_files: list[str] = []
        self._after: Callable[[list], None] | None = None
        self.engine: ResidentEngine | None = None  # the session's resident engine, started on demand

    # ---- state -----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.pipeline is not None and self.pipeline.is_running()

    @property
    def workspace(self) -> str:
        return self.snapshot.workspace if self.snapshot else ""

    def click_layer(self) -> QgsVectorLayer | None:
        """The project's layer showing the open record's clicks."""
        return record_layers.record_click_layer(self.project, self.record) if self.record else None

    def _read(self) -> RecordSnapshot:
        """What the record holds now (raises :class:`RecordError`)."""
        if not record_layers.is_postgis(self.record):
            return read_record(self.record.path)
        try:
            return self.record.snapshot()
        except ClickRecordError as exc:
            raise RecordError(str(exc)) from None

    def refresh(self) -> dm.DockState:
        """Re-read the record and publish the new state (and which proposals its clicks now cover)."""
        if self.record is None:
            self.state, self.proposals = dm.DockState(), ProposalQueue()
        else:
            try:
                self.snapshot = self._read()
                self.state = dm.build_state(self.snapshot)
                if record_layers.is_postgis(self.record):
                    self.state.record_path = self.record.describe()
                    self.state.admin_refusal = self.record.admin_refusal()
                self.proposals.sync(self.snapshot.clicks)
            except RecordError as exc:
                self._say("critical", tr("Click record"), str(exc))
        self.stateChanged.emit(self.state)
        self.proposalsChanged.emit(self.proposals)
        return self.state

    def reload_record(self) -> dm.DockState:
        """After another program (a Processing algorithm) wrote the record: re-read it, redraw its clicks."""
        if self.record is not None:
            try:
                self.record.reload()
            except ClickRecordError as exc:
                self._say("critical", tr("Click record"), str(exc))
        layer = self.click_layer()
        if layer is not None:
            layer.reload()
            layer.triggerRepaint()
        return self.refresh()

    def _say(self, level: str, title: str, text: str) -> None:
        (log.error if level == "critical" else log.info)("%s: %s", title, text)  # no-i18n
        self.message.emit(level, title, text)

    # ---- opening and creating ---------------------------------------------------------------------
    def open_record(self, path: str | Path) -> bool:
        """Open a click record (or a workspace folder holding one) and show its clicks layer."""
        path = Path(path)
        path = path / RECORD_NAME if path.is_dir() else path
        try:
            snapshot = read_record(path)
            record = ClickRecordLayer(path)
        except (RecordError, ClickRecordError) as exc:
            self._say("critical", tr("Cannot open the click record"), str(exc))
            return False
        return self._opened(record, snapshot)

    def open_postgis(self, target: PostgisTarget) -> bool:
        """Open a team's record in PostGIS (a QGIS connection, a schema, a local workspace folder) and show
        its clicks layer, refreshed as the team clicks."""
        try:
            record = PostgisClickRecord.open(target)
            snapshot = record.snapshot()
        except ClickRecordError as exc:
            self._say("critical", tr("Cannot open the click record"), str(exc))
            return False
        return self._opened(record, snapshot)

    def create_postgis(self, target: PostgisTarget, classes: Sequence[ClassInfo], crs: str = "") -> bool:
        """Create a record in ``target``'s schema (``isage init --postgres``: the database's administrator,
        a member of isage_owner), then open it."""
        try:
            conninfo, env = postgis.engine_access(target)
            existing = postgis.holds_record(target)
        except postgis.PostgisError as exc:
            self._say("critical", tr("Cannot open the click record"), str(exc))
            return False
        if existing:  # as a folder that holds a workspace: the team's record is opened, never re-created
            text = tr("Schema {schema} already holds a click record; it was opened instead.")
            self._say("info", tr("Workspace"), text.format(schema=target.schema))
            return self.open_postgis(target)
        self._temp_files.append(dm.write_classes_json(classes))
        steps = dm.postgis_create_steps(target, conninfo, self._temp_files[-1], crs, env)
        return self.run_steps(steps, lambda results: self.open_postgis(target), "create")

    def _opened(self, record, snapshot: RecordSnapshot) -> bool:
        if self.record is not None:
            self.stop_watching()
            if self.record.path != record.path:
                record_layers.remove_record_click_layers(self.project, self.record)
        self.record, self.snapshot = record, snapshot
        self.proposals = ProposalQueue()
        layer = self._ensure_click_layer()
        if record_layers.is_postgis(record):
            self.watcher = record_layers.RecordWatcher(record, self)
            self.watcher.watch(layer)
            self.watcher.changed.connect(self.refresh)
        if snapshot.last_run is not None:  # the proposals of the latest model, when it made some
            latest = dm.proposals_path(snapshot.workspace, snapshot.last_run.iteration)
            if latest.is_file():
                self._show_proposals(latest, snapshot.last_run.iteration)
        if self.refresh().missing_frames:
            self._say("warning", tr("Frames not found"), dm.missing_warning(self.state.missing_frames))
        self.update_live()
        return True

    def create_workspace(
        self, folder: str, classes: Sequence[ClassInfo], frame_paths: Sequence[str] = ()
    ) -> bool:
        """Create a workspace in ``folder`` (``isage init``), add frames, then open it."""
        if (Path(folder) / RECORD_NAME).exists():
            text = tr("{folder} already holds a workspace; it was opened instead").format(folder=folder)
            self._say("info", tr("Workspace"), text)
            return self.open_record(Path(folder) / RECORD_NAME)
        if not classes:
            self._say("warning", tr("Workspace"), tr("give at least one class before creating a workspace"))
            return False
        classes_json = dm.write_classes_json(classes)
        self._temp_files.append(classes_json)
        steps = dm.create_steps(str(folder), classes_json, [str(p) for p in frame_paths])
        return self.run_steps(steps, lambda results: self.open_record(Path(folder) / RECORD_NAME), "create")

    def set_class(self, c: ClassInfo) -> bool:
        """Add or rename/recolour a class in the record, then restyle clicks and class rasters."""
        if not self._require_record(idle=True) or self._refused_to_non_admin(tr("Classes")):
            return False
        try:
            self.record.set_classes([c])
        except ClickRecordError as exc:
            self._say("critical", tr("Classes"), str(exc))
            return False
        state = self.refresh()
        layer = self.click_layer()
        if layer is not None:
            layers.style_click_layer(layer, state.classes)
        layers.restyle_classes(self.project, state.classes)
        return True

    # ---- train and predict -----------------------------------------------------------------------
    def train(self, extent: Extent | None = None) -> bool:
        """Train the next iteration, then predict whole frames (or the frames under ``extent``)."""
        if not self._require_record():
            return False
        blocker = self.refresh().train_blocker()
        if not blocker and record_layers.is_postgis(self.record):
            blocker = self.record.train_refusal()
        if blocker:
            self._say("warning", tr("Train"), blocker)
            return False
        settings = self.load_settings()
        steps = dm.train_steps(self.workspace, dm.train_options(settings, self.train_extra))
        predict = self._predict_steps(settings, extent, self.snapshot.iteration)
        if predict is None:
            return False
        return self.run_steps(steps + predict, self._show_results, "train")

    def predict(self, extent: Extent | None = None) -> bool:
        """Predict with the latest model: whole frames, or the frames the map ``extent`` overlaps."""
        if not self._require_record():
            return False
        self.refresh()
        if self.snapshot.last_run is None:
            self._say(
                "warning", tr("Predict"), tr("no model yet: click every class at least once, then Train")
            )
            return False
        predict = self._predict_steps(self.load_settings(), extent, self.snapshot.last_run.iteration)
        return predict is not None and self.run_steps(predict, self._show_results, "predict")

    def _predict_steps(
        self, settings: PluginSettings, extent: Extent | None, iteration: int
    ) -> list[Step] | None:
        jobs, out_dir = None, Path(self.workspace) / "outputs" / f"iteration_{iteration:03d}"
        if extent is not None:
            jobs = dm.extent_jobs(self.snapshot, extent[0], extent[1], self.project.transformContext())
            if not jobs:
                self._say("warning", tr("Predict"), tr(dm.NO_OVERLAP))
                return None
            out_dir = Path(dm.extent_out_dir(self.workspace, iteration))
        if os.name == "nt":  # Windows cannot replace files QGIS holds open
            layers.release_layers_under(self.project, out_dir)
            if settings.propose:  # proposals.gpkg of the iteration, also beside visible-extent outputs
                layers.remove_proposals_layers(self.project)
        target = str(out_dir) if jobs else None
        steps = dm.predict_steps(
            self.workspace, settings.device, jobs, target, settings.scheduler, settings.scheduler_tls()
        )
        if settings.propose:
            if jobs is None:
                steps += dm.propose_steps(self.workspace, settings.device)
            else:
                names = dm.extent_propose_frames(self.snapshot, {n for names, _ in jobs for n in names})
                steps += dm.propose_steps(self.workspace, settings.device, names) if names else []
        return steps

    def next_proposal(self) -> Proposal | None:
        """Move to the next proposal to label (the one shown, still unlabelled, counts as skipped)."""
        item = self.proposals.advance()
        self.proposalsChanged.emit(self.proposals)
        return item

    def cancel(self) -> None:
        """Stop the running engine command (its partial outputs are discarded)."""
        if self.busy:
            self.pipeline.cancel()

    # ---- running ---------------------------------------------------------------------------------
    def engine_python(self) -> str | None:
        """The engine Python: the one set in the settings as given, else the one found automatically."""
        settings = self.load_settings()
        return settings.engine_python or find_engine_python(settings)

    def _refused_to_non_admin(self, title: str) -> bool:
        """Said and True when the open record is a PostGIS one whose administrator this login is not."""
        refusal = self.state.admin_refusal if record_layers.is_postgis(self.record) else ""
        if refusal:
            self._say("warning", title, refusal)
        return bool(refusal)

    def _require_record(self, idle: bool = False) -> bool:
        if self.busy:
            self._say("warning", "iSAGE", tr("an engine run is in progress; wait for it or cancel it"))
            return False
        if self.record is None and not idle:
            self._say("warning", "iSAGE", tr("open or create a click record first"))
            return False
        return self.record is not None

    def run_steps(self, steps: list[Step], after: Callable[[list], object], what: str) -> bool:
        """Run engine ``steps`` (pending edits saved first); ``after(results)`` on success."""
        if self.busy:
            self._say("warning", "iSAGE", tr("an engine run is in progress; wait for it or cancel it"))
            return False
        python = self.engine_python()
        if not python:
            self._say("critical", tr("iSAGE engine"), missing_engine_message(None))
            self._cleanup()
            return False
        if self.record is not None:
            try:
                saved = self.record.commit_pending(self.project)
            except ClickRecordError as exc:
                self._say("critical", tr("Unsaved clicks"), str(exc))
                return False
            if saved:
                log.info("saved pending edits of %s before the engine run", ", ".join(saved))
        resident = self.load_settings().resident_engine
        steps = self.steps_with_login(steps, resident)
        if steps is None:
            return False
        if is_executable(python) and not handshake.is_verified(python):  # a missing one fails at once
            check = Step(handshake.LABEL, handshake.ARGS, 0.05, handshake.result_check(python))
            steps = [check, *steps]
        self.pipeline = Pipeline(python, steps, self, run_factory=self._run_for if resident else None)
        self.pipeline.progress.connect(self.progress)
        self.pipeline.succeeded.connect(self._succeeded)
        self.pipeline.failed.connect(self._failed)
        self._after = after
        log.info("starting %s (%d engine command(s))", what, len(steps))
        self.busyChanged.emit(True)
        self.pipeline.start()
        return True

    def _succeeded(self, results: list) -> None:
        after, self._after = self._after, None
        skipped = list(self.pipeline.skipped) if self.pipeline is not None else []
        self._finish()
        for label, text in skipped:
            text = tr("{step} failed ({reason}); the other results are shown").format(
                step=tr(label), reason=text
            )
            self._say("warning", "iSAGE", text)
        try:
            if after is not None:
                after(results)
        except Exception as exc:  # a layer or file problem after a good run must not crash QGIS
            log.exception("after the engine run")
            text = tr("The run succeeded but its results could not be shown: {reason}").format(reason=exc)
            self._say("critical", "iSAGE", text)

    def _failed(self, text: str, cancelled: bool) -> None:
        self._after = None
        at_handshake = self.pipeline is not None and self.pipeline.current_label == handshake.LABEL
        self._finish()
        if at_handshake and not cancelled:
            self.engineProblem.emit(text)
        elif cancelled:
            self._say("info", "iSAGE", tr("cancelled; earlier models, results and clicks are intact"))
        else:
            self._say("critical", tr("iSAGE engine"), text)

    def _finish(self) -> None:
        self._cleanup()
        if self.record is not None:
            try:
                self.record.reload()
            except ClickRecordError as exc:
                self._say("critical", tr("Click record"), str(exc))
        self.refresh()
        self.busyChanged.emit(False)
        self.update_live()  # the run may have verified the engine, or changed the iteration

    def _cleanup(self) -> None:
        for path in self._temp_files:
            Path(path).unlink(missing_ok=True)
        self._temp_files.clear()

    def _show_results(self, results: list) -> None:
        classes = self.state.classes
        added = []
        for label, event in results:
            if label == "train":
                self._say("success", "iSAGE", dm.train_message(event))
            outputs = event.get("outputs") or {}
            if any(key.endswith("_classes") for key in outputs):
                added += layers.add_results(self.project, outputs, classes, mosaics=event.get("mosaics"))
            if label == dm.PROPOSE_LABEL and outputs.get("proposals"):
                self._show_proposals(Path(outputs["proposals"]), int(event.get("iteration") or 0))
        layer = self.click_layer()
        if layer is not None:
            layer.triggerRepaint()
        self.layersAdded.emit(added)

    def _show_proposals(self, path: Path, iteration: int) -> None:
        """Load the proposals of ``path`` into the queue and show them as a layer."""
        try:
            clicks = self.snapshot.clicks if self.snapshot else []
            self.proposals = ProposalQueue.load(path, clicks)
        except ProposalsError as exc:
            self._say("warning", tr("Proposals"), str(exc))
            return
        layers.add_proposals_layer(self.project, path, iteration)
        self.proposalsChanged.emit(self.proposals)
        log.info("%s: %s", path, self.proposals.counter_text())

    # ---- the click layer shown in the project -----------------------------------------------------
    def _ensure_click_layer(self) -> QgsVectorLayer | None:
        if self.record is None:
            return None
        classes = self.snapshot.classes if self.snapshot else []
        layer = record_layers.show_record_click_layer(self.project, self.record, classes)
        if layer is None:
            text = tr("{path}: its clicks layer cannot be read").format(path=self.record.path)
            self._say("critical", tr("Click record"), text)
        return layer

    def _reopen_click_layer(self) -> None:
        """Re-create the clicks layer (the first frame may have set the record's CRS)."""
        if self.record is not None:
            record_layers.remove_record_click_layers(self.project, self.record)
        self.refresh()
        layer = self._ensure_click_layer()
        if self.watcher is not None:
            self.watcher.watch(layer)

    def close(self) -> None:
        """Cancel any run and forget the record (its layers stay in the project)."""
        self.cancel()
        self.stop_watching()
        if self.record is not None:
            self.record.close()
        self.record, self.snapshot = None, None
        self.stop_engine()
        self.refresh()

    def stop_watching(self) -> None:
        """Stop following the PostGIS record's changes (before the plugin unloads)."""
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher.deleteLater()
            self.watcher = None
