"""The widgets of the iSAGE panel and how a :class:`~isage_qgis.panel.model.DockState` is drawn in them.

No behaviour: :mod:`isage_qgis.panel.dock` connects the buttons to the session.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..resources import icon
from ..translation import deferred_tr, tr
from .assessment.widgets import AssessmentBox
from .model import DockState, live_text
from .proposals import ProposalQueue

SCOPES = ((deferred_tr("Whole frames"), False), (deferred_tr("Visible extent"), True))
COLUMNS = ("", deferred_tr("Key"), deferred_tr("Class"), deferred_tr("Iteration"), deferred_tr("Total"))
ID_ROLE = Qt.ItemDataRole.UserRole


def frames_text(state: DockState, shown: int = 3) -> str:
    """``Frames (12): a, b, c and 9 more`` (and the frames missing on disk)."""
    names = state.frame_names
    text = ", ".join(names[:shown])
    if len(names) > shown:
        text = tr("{names} and %n more", len(names) - shown).format(names=text)
    text = tr("Frames ({count}): {names}").format(count=len(names), names=text or tr("none yet"))
    if state.missing_frames:
        missing = tr("missing on disk: {frames}").format(frames=", ".join(state.missing_frames))
        text = f"{text} — {missing}"
    return text


def _button(text: str, icon_name: str = "", tip: str = "") -> QPushButton:
    button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
    button.setToolTip(tip)
    return button


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    return row


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def _box(title: str, *items) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for item in items:
        layout.addLayout(item) if isinstance(item, QHBoxLayout) else layout.addWidget(item)
    return box


class DockUi(QScrollArea):
    """Record, classes and model sections, scrollable when the panel is short."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.record_label, self.frames_label = _label(), _label()
        self.new_button = _button(tr("New…"), tip=tr("Create a workspace: folder, classes, frames"))
        self.open_button = _button(tr("Open…"), tip=tr("Open a workspace's clicks.gpkg"))
        self.postgis_button = _button(
            tr("Team (PostGIS)…"), tip=tr("Open a team's click record in PostGIS through a QGIS connection")
        )
        self.frames_button = _button(tr("Add frames…"), tip=tr("Add raster layers of the project as frames"))
        self.import_button = _button(
            tr("Import points…"), tip=tr("Add a point layer's points as clicks (class field by id or name)")
        )
        self.missing_label = _label()
        self.relink_button = _button(
            tr("Re-link frames…"),
            tip=tr("Choose a folder holding the missing frame files (found by content)"),
        )

        self.iteration_label = _label()
        table = self.class_table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels([tr(c) if c else c for c in COLUMNS])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tool_button = QToolButton()
        self.tool_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_class_button = _button(tr("Add class"))
        self.edit_class_button = _button(tr("Edit class…"))
        admin_only = (self.frames_button, self.relink_button, self.add_class_button, self.edit_class_button)
        self._admin_tips = {widget: widget.toolTip() for widget in admin_only}

        self.run_label = _label()
        self.unresolved_list = QListWidget()
        self.unresolved_list.setMaximumHeight(76)
        self.scope_combo = QComboBox()
        self.scope_combo.addItems([tr(text) for text, _ in SCOPES])
        self.train_button = _button(
            tr("Train"), "train", tr("Save clicks, train the next iteration, then predict")
        )
        self.predict_button = _button(tr("Predict"), "predict", tr("Predict with the latest model"))
        self.cancel_button = _button(tr("Cancel"), tip=tr("Stop the engine; earlier models and results stay"))
        self.settings_button = QToolButton()
        self.settings_button.setIcon(icon("settings"))
        self.settings_button.setToolTip(tr("iSAGE settings: engine, device, annotator, budget"))
        self.proposal_counter = _label()
        self.proposal_label = _label()
        self.next_proposal_button = _button(
            tr("Next proposal"),
            tip=tr(
                "Pan to the next pixel the engine proposes (key N with the click tool); label it with a "
                "class key 1-9 or go on to skip it"
            ),
        )
        self.assessment_box = AssessmentBox()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.status_label = _label()
        self.live_label = _label()
        self.restart_button = _button(
            tr("Restart engine"), tip=tr("Start the engine again; clicks and models are intact")
        )
        self.restart_button.hide()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(
            _box(
                tr("Click record"),
                self.record_label,
                _row(self.new_button, self.open_button, self.postgis_button),
                _row(self.frames_button),
                self.frames_label,
                _row(self.missing_label, self.relink_button),
            )
        )
        layout.addWidget(
            _box(
                tr("Classes"),
                self.iteration_label,
                table,
                _row(self.tool_button, self.add_class_button, self.edit_class_button),
                _row(self.import_button),
            )
        )
        layout.addWidget(
            _box(
                tr("Where to click next"),
                _row(self.next_proposal_button, self.proposal_counter),
                self.proposal_label,
            )
        )
        layout.addWidget(self.assessment_box)
        layout.addWidget(
            _box(
                tr("Model"),
                self.run_label,
                QLabel(tr("Clicks the model still gets wrong:")),
                self.unresolved_list,
                self.scope_combo,
                _row(self.train_button, self.predict_button, self.cancel_button, self.settings_button),
                self.progress_bar,
                self.status_label,
                _row(self.live_label, self.restart_button),
            )
        )
        layout.addStretch(1)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width())
        self.setWidget(body)

    def show_live(self, status: dict) -> None:
        """The resident engine's live training status (hidden when it is off)."""
        text, restart = live_text(status)
        self.live_label.setText(text)
        self.live_label.setVisible(bool(text))
        self.restart_button.setVisible(restart)

    def whole_frames(self) -> bool:
        return not SCOPES[self.scope_combo.currentIndex()][1]

    def show_state(self, state: DockState, active_class_id: int | None) -> None:
        """Draw ``state``; the row of ``active_class_id`` is selected (without emitting signals)."""
        self.record_label.setText(
            state.record_path or tr("No click record open: create a workspace or open one.")
        )
        self.frames_label.setText(frames_text(state))
        self.frames_label.setToolTip("\n".join(state.frame_names))
        self.missing_label.setText(state.missing_text)
        self.missing_label.setToolTip("\n".join(state.missing_frames))
        self.missing_label.setVisible(bool(state.missing_frames))
        self.relink_button.setVisible(bool(state.missing_frames))
        text = tr("Iteration {iteration}: new clicks train model {iteration}")
        self.iteration_label.setText(text.format(iteration=state.iteration))
        table = self.class_table
        table.blockSignals(True)
        table.setRowCount(len(state.counts))
        for row, c in enumerate(state.counts):
            swatch = QTableWidgetItem()
            swatch.setBackground(QColor(c.color))
            cells = (swatch, str(row + 1) if row < 9 else "", c.name, str(c.this_iteration), str(c.total))
            for col, cell in enumerate(cells):
                item = cell if isinstance(cell, QTableWidgetItem) else QTableWidgetItem(cell)
                item.setData(ID_ROLE, c.id)
                table.setItem(row, col, item)
        table.resizeColumnsToContents()
        rows = min(max(len(state.counts), 2), 9)  # the classes keys 1-9 reach, without scrolling
        height = table.horizontalHeader().height() + rows * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height + 2 * table.frameWidth() + 2)
        ids = [c.id for c in state.counts]
        if active_class_id in ids:
            table.selectRow(ids.index(active_class_id))
        table.blockSignals(False)
        self.run_label.setText(tr("Last run: {summary}").format(summary=tr(state.run_summary)))
        self.unresolved_list.clear()
        self.unresolved_list.addItems(state.unresolved or [tr("none")])

    def show_proposals(self, queue: ProposalQueue, busy: bool) -> None:
        """The counter, the proposal shown (if still to label) and whether there is a next one."""
        self.proposal_counter.setText(queue.counter_text())
        current = queue.current
        self.proposal_label.setText(
            current.describe() + "\n" + tr("Press a class key (1-9) to label it, N for the next one.")
            if current is not None
            else ""
        )
        self.proposal_label.setVisible(current is not None)
        self.next_proposal_button.setEnabled(not busy and queue.remaining > 0)

    def selected_class_id(self) -> int | None:
        rows = self.class_table.selectionModel().selectedRows()
        return self.class_table.item(rows[0].row(), 0).data(ID_ROLE) if rows else None

    def set_busy(self, busy: bool, is_open: bool, admin_refusal: str = "") -> None:
        """Enable what makes sense: nothing that writes the record while the engine runs, and on a team's
        record nothing of its administrator's for others (``admin_refusal``: why, as their tooltip)."""
        for widget in (self.new_button, self.open_button, self.postgis_button, self.settings_button):
            widget.setEnabled(not busy)
        for widget in (
            self.frames_button,
            self.import_button,
            self.relink_button,
            self.add_class_button,
            self.edit_class_button,
            self.train_button,
            self.predict_button,
        ):
            widget.setEnabled(not busy and is_open)
        for widget, tip in self._admin_tips.items():
            widget.setEnabled(widget.isEnabled() and not admin_refusal)
            widget.setToolTip(admin_refusal or tip)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress_bar.setValue(0)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress_bar.setValue(int(1000 * fraction))
        self.status_label.setText(text)
