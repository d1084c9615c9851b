"""The panel's "Map accuracy" box: Assess map, the sample point shown, its keys, the counter and the report.

No behaviour: :mod:`isage_qgis.panel.assessment.view` connects the buttons to the assessment session.
"""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...translation import tr
from .figures import AssessmentFigures
from .queue import AssessmentQueue


class AssessmentBox(QGroupBox):
    """Buttons and texts of the independent accuracy assessment."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(tr("Map accuracy"))
        self.assess_button = self._button(
            tr("Assess map"),
            tr("Label a random sample of pixels without seeing the map (it is hidden meanwhile). The "
                    "first time, the sample is drawn from the latest map, over the whole frames or the "
                    "visible extent as chosen under Model, with the sample design of the iSAGE settings."),
        )  # fmt: skip
        self.report_button = self._button(
            tr("Report"), tr("Estimate the map's accuracy from the labels given so far")
        )
        self.unsure_button = self._button(tr("Unsure (U)"), tr("You cannot tell the class here"))
        self.skip_button = self._button(
            tr("Skip (N)"), tr("Leave this point for later; it comes back after the others")
        )
        self.undo_button = self._button(
            tr("Undo label"), tr("Retract the last label given here and show its point again")
        )
        self.stop_button = self._button(
            tr("Stop assessing"), tr("Show the map again; the labels given so far stay")
        )
        self.open_report_button = self._button(
            tr("Open report"), tr("The full report: error matrix, class areas, plots")
        )
        self.counter_label, self.point_label, self.report_label = QLabel(), QLabel(), QLabel()
        for label in (self.counter_label, self.point_label, self.report_label):
            label.setWordWrap(True)
        self.report_path = ""

        layout = QVBoxLayout(self)
        layout.addLayout(self._row(self.assess_button, self.report_button))
        layout.addWidget(self.counter_label)
        layout.addWidget(self.point_label)
        layout.addLayout(self._row(self.unsure_button, self.skip_button, self.undo_button, self.stop_button))
        layout.addWidget(self.report_label)
        layout.addLayout(self._row(self.open_report_button))
        self.show_queue(None, False, False, False)
        self.show_report(None)

    @staticmethod
    def _button(text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        return button

    @staticmethod
    def _row(*widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        return row

    def show_queue(self, queue: AssessmentQueue | None, active: bool, busy: bool, is_open: bool) -> None:
        """The counter, the point shown (never what the map says there) and which buttons make sense."""
        if queue is None:
            self.counter_label.setText(
                tr("No accuracy assessment yet: Assess map draws a sample of pixels to label.")
            )
        else:
            self.counter_label.setText(queue.counter_text())
        current = queue.current if queue is not None and active else None
        self.point_label.setText(
            queue.describe(current)
            + " "
            + tr("Press the key (1-9) of the class you see there, U if unsure, N to skip it for now.")
            if current is not None
            else ""
        )
        self.point_label.setVisible(current is not None)
        self.assess_button.setEnabled(not busy and is_open and not active)
        self.report_button.setEnabled(not busy and is_open)
        for button in (self.unsure_button, self.skip_button):
            button.setEnabled(not busy and current is not None)
        self.undo_button.setEnabled(not busy and queue is not None and bool(queue.history))
        self.stop_button.setEnabled(active)

    def show_report(self, figures: AssessmentFigures | None) -> None:
        self.report_label.setText("\n".join(figures.lines()) if figures is not None else "")
        self.report_label.setVisible(figures is not None)
        self.report_path = (
            (figures.outputs.get("html") or figures.outputs.get("markdown") or "") if figures else ""
        )
        self.open_report_button.setVisible(bool(self.report_path))
