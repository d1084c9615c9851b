"""The dock's side of the accuracy assessment: the Map accuracy box, the click tool's keys and the map.

A thin view over :class:`~isage_qgis.panel.assessment.session.AssessmentSession`: it forwards the box's
buttons (Assess map with the dock's extent: a new design covers the visible extent when it is chosen) and
key U, routes Ctrl+Z to the assessment while assessing, and pans and zooms to each sample
point as the proposals do (the point is selected on the sample layer; the map's classes stay hidden).
"""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QObject, QUrl
from qgis.PyQt.QtGui import QDesktopServices

from ...layers import assessment as assessment_layers
from ...record.assessment import SamplePoint
from .session import AssessmentSession


class AssessmentView(QObject):
    """Connects ``dock`` (an :class:`~isage_qgis.panel.dock.IsageDock`) to ``assessment``."""

    def __init__(self, dock, assessment: AssessmentSession):
        super().__init__(dock)
        self.dock, self.assessment = dock, assessment
        box = self.box = dock.ui.assessment_box
        box.assess_button.clicked.connect(lambda: assessment.start(dock.extent()))
        box.report_button.clicked.connect(assessment.report)
        box.unsure_button.clicked.connect(lambda: assessment.label(None))
        box.skip_button.clicked.connect(assessment.skip)
        box.undo_button.clicked.connect(self.undo)
        box.stop_button.clicked.connect(assessment.stop)
        box.open_report_button.clicked.connect(self.open_report)
        dock.tool.unsurePressed.connect(self.unsure_key)
        assessment.changed.connect(self.show)
        assessment.activeChanged.connect(self._active)
        assessment.pointShown.connect(self.go_to)
        assessment.reportReady.connect(box.show_report)
        assessment.message.connect(dock.show_message)
        dock.session.busyChanged.connect(self.show)
        dock.session.stateChanged.connect(self.show)
        self.show()

    def show(self, *_) -> None:
        session = self.dock.session
        self.box.show_queue(
            self.assessment.queue, self.assessment.active, session.busy, session.state.is_open
        )

    def _active(self, active: bool) -> None:
        self.dock.tool.undo_handler = self.assessment.undo if active else None
        self.show()

    def class_key(self, class_id: int | None) -> bool:
        """A class key while assessing labels the point shown; False when not assessing."""
        if not self.assessment.active:
            return False
        self.assessment.label(class_id)
        return True

    def unsure_key(self) -> None:
        if self.assessment.active:
            self.assessment.label(None)

    def next_key(self) -> bool:
        """Key N while assessing skips the point shown; False when not assessing."""
        if not self.assessment.active:
            return False
        self.assessment.skip()
        return True

    def undo(self) -> None:
        """Undo label: retract the last label of this session (its message goes to the message bar)."""
        self.dock.tool.report(self.assessment.undo())

    def go_to(self, point: SamplePoint) -> None:
        """Pan and zoom to the sample point, select it on the sample layer, take the click tool (keys)."""
        layer = assessment_layers.assessment_layer(self.dock.session.project)
        self.dock.show_pixel(point, layer, f'"point_id" = {int(point.point_id)}')  # no-i18n

    def open_report(self) -> None:
        if self.box.report_path and Path(self.box.report_path).is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.box.report_path))
