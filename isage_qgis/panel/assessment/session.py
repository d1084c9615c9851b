"""The accuracy assessment's controller: open or create a design, label its points, undo, report. No widgets.

**Assess map** continues the record's newest design, or first creates one (``isage assess design`` through
the session's engine pipeline, with the design options of the plugin settings, over the whole frames or the
map's visible extent). While assessing, every iSAGE result layer (class rasters, heatmaps,
proposals) is hidden, so the person labels what they see in the imagery, not the map; the layers get their
check state back when assessing stops (the person stops, or every point is labelled). Labels go through
QGIS into the record (:class:`~isage_qgis.record.labels.LabelWriter`; a team's record in PostGIS through
QGIS's connection, :class:`~isage_qgis.record.postgis_assessment.PostgisLabelWriter`), whose triggers refuse
what breaks the audit rules. The report (``isage assess report``) comes back as
:class:`~isage_qgis.panel.assessment.figures.AssessmentFigures`.

Signals: ``changed(AssessmentQueue or None)``, ``pointShown(SamplePoint)``, ``activeChanged(bool)``,
``reportReady(AssessmentFigures)``, ``message(level, title, text)``.
"""

from __future__ import annotations

import logging

from qgis.PyQt.QtCore import QObject, pyqtSignal

from ...clicks.actions import Outcome
from ...layers import assessment as assessment_layers
from ...layers.postgis_clicks import is_postgis, postgis_layer_source
from ...record.assessment import GpkgAssessment, LabelInfo
from ...record.labels import LabelWriter
from ...record.model import ClickRecordError
from ...record.postgis_assessment import PostgisAssessment, PostgisLabelWriter
from ...record.view import RecordError
from ...settings import assessment_args
from ...translation import tr
from ..session import Extent, IsageSession
from .figures import AssessmentFigures
from .queue import AssessmentQueue, design_steps, extent_args, report_steps

log = logging.getLogger(__name__)
UNDO_REASON = "undo"


class AssessmentSession(QObject):
    """The assessment of the session's open record; at most one design is being labelled."""

    changed = pyqtSignal(object)  # AssessmentQueue or None
    pointShown = pyqtSignal(object)  # noqa: N815 - SamplePoint
    activeChanged = pyqtSignal(bool)  # noqa: N815
    reportReady = pyqtSignal(object)  # noqa: N815 - AssessmentFigures
    message = pyqtSignal(str, str, str)  # level, title, text

    def __init__(self, session: IsageSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.queue: AssessmentQueue | None = None
        self.active = False
        self.figures: AssessmentFigures | None = None
        # extra `isage assess design` options (--size, --allocation...), for experts and tests
        self.design_extra: list[str] = []
        self._writer: LabelWriter | PostgisLabelWriter | None = None
        self._record = ""
        self._in_extent = False  # the design being created is limited to the visible extent
        self._hidden: dict[str, bool] = {}  # layer id -> check state before assessing
        session.layersAdded.connect(self._hide_new_layers)
        session.stateChanged.connect(self._record_changed)

    def _say(self, level: str, text: str) -> None:
        (log.warning if level in ("warning", "critical") else log.info)("assessment: %s", text)  # no-i18n
        self.message.emit(level, tr("Map accuracy"), text)

    def _ready(self) -> bool:
        if self.session.busy:
            self._say("warning", tr("An engine run is in progress; wait for it or cancel it."))
            return False
        if self.session.record is None:
            self._say("warning", tr("Open or create a click record first."))
            return False
        return True

    # ---- the record's kind -----------------------------------------------------------------------
    def _key(self) -> str:
        """What names the open record (as the panel's state does)."""
        return self.session.state.record_path

    def _reader(self):
        record = self.session.record
        return PostgisAssessment(record.sql) if is_postgis(record) else GpkgAssessment(str(record.path))

    def _new_writer(self):
        record = self.session.record
        return PostgisLabelWriter(record.sql) if is_postgis(record) else LabelWriter(str(record.path))

    def _annotator(self) -> str:
        record = self.session.record
        return record.login if is_postgis(record) else self.session.load_settings().annotator

    # ---- starting and stopping -----------------------------------------------------------------
    def start(self, extent: Extent | None = None) -> bool:
        """Assess map: label the newest design's points, creating a design first when there is none: with
        the settings' target standard error, anticipated user's accuracy, allocation and seed, over the
        whole frames or, given the map's ``extent`` (rectangle and CRS), over the pixels inside it."""
        if not self._ready():
            return False
        record = self._key()
        try:
            queue, kept = AssessmentQueue.load(self._reader()), self.queue
            if (
                queue is not None
                and kept is not None
                and self._record == record
                and kept.design == queue.design
            ):
                kept.sync(self._reader())  # the same design again: the points skipped so far stay last
                queue = kept
        except RecordError as exc:
            self._say("critical", str(exc))
            return False
        if queue is not None:
            text = tr("Sample of iteration {iteration}'s map (design {design}): {counter}.")
            design = queue.design
            self._say("info", text.format(iteration=design.iteration, design=design.design_id[:8],
                                          counter=queue.counter_text()))  # fmt: skip
            return self._open(queue)
        if self.session.snapshot is None or self.session.snapshot.last_run is None:
            self._say("warning", tr("No model yet: train one first; the assessment samples its map."))
            return False
        refusal = self.session.record.design_refusal() if is_postgis(self.session.record) else ""
        if refusal:
            self._say("warning", refusal)
            return False
        settings = self.session.load_settings()
        options = assessment_args(settings) + (extent_args(*extent) if extent is not None else [])
        steps = design_steps(self.session.workspace, self.design_extra, settings.annotator, options)
        self._in_extent = extent is not None
        return self.session.run_steps(steps, self._designed, tr("accuracy assessment design"))

    def _designed(self, results: list) -> None:
        design = results[-1][1].get("design") or {}
        queue = AssessmentQueue.load(self._reader()) if self.session.record else None
        if queue is None:
            self._say("critical", tr("The engine made no design: see the iSAGE log messages."))
            return
        if self._in_extent:
            text = tr(
                "Design {design} of iteration {iteration} over the visible extent: {size} sample points; "
                "anticipated standard error of the overall accuracy {se:.3f}."
            )
        else:
            text = tr(
                "Design {design} of iteration {iteration}: {size} sample points; anticipated standard "
                "error of the overall accuracy {se:.3f}."
            )
        self._say(
            "success",
            text.format(
                design=queue.design.design_id[:8],
                iteration=queue.design.iteration,
                size=queue.total,
                se=float(design.get("anticipated_se") or 0.0),
            ),
        )
        self._open(queue)

    def _open(self, queue: AssessmentQueue) -> bool:
        project, record = self.session.project, self.session.record
        self.queue, self._record = queue, self._key()
        self._writer = self._new_writer()
        source = postgis_layer_source(record) if is_postgis(record) else str(record.path)
        assessment_layers.add_assessment_layer(project, source, queue.design.design_id, queue.labels)
        if not self.active:
            self._hidden = assessment_layers.hide_result_layers(project)
            self.active = True
            self.activeChanged.emit(True)
        self._show(queue.advance())
        if queue.left == 0:
            self._say("info", tr("Every sample point is labelled; the report follows."))
            self.finish()
        return True

    def stop(self) -> None:
        """Leave assessment mode: the hidden layers get their check state back."""
        if not self.active:
            return
        assessment_layers.restore_layers(self.session.project, self._hidden)
        self._hidden = {}
        self.active = False
        if self.queue is not None:
            self.queue.current_id = None
        self.activeChanged.emit(False)
        self.changed.emit(self.queue)

    def finish(self) -> bool:
        """Every point labelled (or the person asked for it): stop assessing and run the report."""
        self.stop()
        return self.report()

    def _record_changed(self, state) -> None:
        """Another record opened (or the record closed): this one's assessment ends."""
        if self.queue is not None and state.record_path != self._record:
            self.stop()
            if state.record_path:
                assessment_layers.remove_assessment_layers(self.session.project)
            self.queue, self._writer, self.figures, self._record = None, None, None, ""
            self.changed.emit(None)
            self.reportReady.emit(None)

    def _hide_new_layers(self, added: list) -> None:
        """A run finished while assessing: its new result layers are hidden too."""
        if self.active:
            self._hidden = assessment_layers.hide_result_layers(self.session.project, self._hidden)

    # ---- labelling -----------------------------------------------------------------------------
    def label(self, class_id: int | None) -> bool:
        """Label the point shown with ``class_id`` (None: unsure), then show the next one."""
        point = self.queue.current if self.active and self.queue is not None else None
        if point is None or not self._ready():
            return False
        annotator = self._annotator()
        try:
            fid = self._writer.add(point.design_id, point.point_id, class_id, annotator)
        except ClickRecordError as exc:
            self._say("warning", str(exc))
            return False
        self.queue.labelled_now(LabelInfo(fid, "", point.point_id, class_id, class_id is None, annotator))
        self._restyle()
        if self.queue.left == 0:
            self._say("success", tr("Every sample point is labelled; the report follows."))
            return self.finish()
        self._show(self.queue.advance())
        return True

    def skip(self) -> None:
        """Leave the point shown unlabelled for now (key N): it comes back after the others."""
        if self.active and self.queue is not None:
            self._show(self.queue.advance(skip=True))

    def undo(self) -> Outcome:
        """Retract the last label written in this session and show its point again (Ctrl+Z)."""
        last = self.queue.last_labelled() if self.queue is not None else None
        if last is None:
            return Outcome("nothing", "info", tr("No label of this session to undo."))
        if self.session.busy:
            return Outcome("refused", "warning", tr("An engine run is in progress; wait for it."))
        try:
            self._writer.retract(last.fid, self._annotator(), UNDO_REASON)
        except ClickRecordError as exc:
            return Outcome("refused", "warning", str(exc))
        self.queue.retracted_now(last.point_id)
        self._restyle()
        if not self.active:  # after the last label: back to labelling
            self._hidden = assessment_layers.hide_result_layers(self.session.project)
            self.active = True
            self.activeChanged.emit(True)
        self._show(self.queue.current)
        text = tr("Label of sample point {n} retracted (it stays in the record); label it again.")
        return Outcome("label", "info", text.format(n=self.queue.position(self.queue.current)))

    def _restyle(self) -> None:
        layer = assessment_layers.assessment_layer(self.session.project)
        if layer is not None and self.queue is not None:
            assessment_layers.style_assessment_layer(layer, self.queue.labels)

    def _show(self, point) -> None:
        self.changed.emit(self.queue)
        if point is not None:
            self.pointShown.emit(point)

    # ---- the report ----------------------------------------------------------------------------
    def report(self) -> bool:
        """``isage assess report`` of the design (partial while points are unlabelled)."""
        if not self._ready():
            return False
        record = self._key()
        try:
            if self.queue is None or self._record != record:
                self.queue, self._record = AssessmentQueue.load(self._reader()), record
            else:
                self.queue.sync(self._reader())
        except RecordError as exc:
            self._say("critical", str(exc))
            return False
        if self.queue is None:
            self._say("warning", tr("No accuracy assessment design yet: press Assess map first."))
            return False
        if self.queue.labelled == 0:
            self._say(
                "warning", tr("No sample point is labelled with a class yet: Assess map and label some.")
            )
            return False
        steps = report_steps(self.session.workspace, self.queue.design.design_id, self.queue.left > 0)
        return self.session.run_steps(steps, self._reported, tr("accuracy assessment report"))

    def _reported(self, results: list) -> None:
        self.figures = AssessmentFigures.of(results[-1][1])
        self.reportReady.emit(self.figures)
        self._say("success", self.figures.headline())
