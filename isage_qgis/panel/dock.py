"""The iSAGE panel: a thin view over :class:`~isage_qgis.panel.session.IsageSession`.

It shows the record (frames, classes with click counts, iteration, the last run and its unresolved
clicks) and the proposals in :class:`~isage_qgis.panel.widgets.DockUi`, forwards button presses to the
session, owns the click map tool, and shows the session's messages in the message bar. A class key pressed
while a proposal is shown labels it: an ordinary click of that class on the proposal's pixel. While the map
is assessed (:mod:`~isage_qgis.panel.assessment.view`), class keys, N, U and Ctrl+Z go to the sample point.
"""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsProject, QgsRasterLayer
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QFileDialog, QInputDialog, QPushButton, QWidget

try:  # Qt6 (QGIS 4) moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5
    from qgis.PyQt.QtWidgets import QAction

from ..clicks.map_tool import ClickMapTool
from ..layers import results as layers
from ..layers.service_source import ServiceSourceError, service_of
from ..record.postgis import connection_names
from ..resources import icon
from ..settings import PluginSettings
from ..translation import tr
from . import dialogs
from .assessment.session import AssessmentSession
from .assessment.view import AssessmentView
from .model import DockState, frame_candidates, next_class, service_candidates
from .proposals import ProposalQueue, proposal_extent
from .service_dialog import ServiceFrameDialog
from .session import Extent, IsageSession
from .settings_dialog import SettingsDialog
from .widgets import DockUi

log = logging.getLogger(__name__)
IMPORT_POINTS = "isage:importpoints"
LEVELS = {
    "info": Qgis.MessageLevel.Info,
    "success": Qgis.MessageLevel.Success,
    "warning": Qgis.MessageLevel.Warning,
    "critical": Qgis.MessageLevel.Critical,
}


class IsageDock(QgsDockWidget):
    """The iSAGE dock; ``iface`` gives the canvas and the message bar, ``session`` the logic."""

    def __init__(self, iface, parent: QWidget | None = None, session: IsageSession | None = None):
        super().__init__("iSAGE", parent)
        self.setObjectName("IsageDock")
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.session = session or IsageSession(QgsProject.instance(), parent=self)
        self.active_class_id: int | None = None
        self.service_dialog: ServiceFrameDialog | None = None  # the dialog of frames from a service layer
        self.ui = DockUi(self)
        self.setWidget(self.ui)

        self.tool = ClickMapTool(
            self.canvas,
            self._record_for_tool,
            lambda: self.active_class_id,
            self._frame_layers,
            self.session.load_settings,  # the annotator and budget the session runs with
        )
        self.click_action = QAction(icon("click"), tr("iSAGE click tool"), self)
        self.click_action.setCheckable(True)
        self.click_action.setToolTip(
            tr(
                "Left click: add a click of the chosen class; right click: retract; keys 1-9: class (and "
                "label the proposal or sample point shown); N: next proposal (or skip the sample point); "
                "U: sample point unsure; Ctrl+Z: undo"
            )
        )
        self.click_action.triggered.connect(self.toggle_tool)
        self.tool.setAction(self.click_action)
        self.ui.tool_button.setDefaultAction(self.click_action)
        self.tool.clicked.connect(lambda fid: self.session.refresh())
        self.tool.retracted.connect(lambda fid: self.session.refresh())
        self.tool.message.connect(lambda level, text: self.show_message(level, tr("iSAGE click"), text))
        self.tool.classKeyPressed.connect(self.class_key)
        self.tool.nextProposalPressed.connect(self.next_key)
        self.tool.actions.ask_reason = self.retract_reason

        ui, s = self.ui, self.session
        ui.class_table.itemSelectionChanged.connect(self._class_selected)
        ui.class_table.cellDoubleClicked.connect(lambda row, col: self.edit_class())
        ui.new_button.clicked.connect(self.new_workspace)
        ui.open_button.clicked.connect(self.open_dialog)
        ui.postgis_button.clicked.connect(self.postgis_dialog)
        ui.frames_button.clicked.connect(self.add_frames_dialog)
        ui.relink_button.clicked.connect(self.relink_dialog)
        ui.import_button.clicked.connect(self.import_points_dialog)
        ui.add_class_button.clicked.connect(self.add_class)
        ui.edit_class_button.clicked.connect(self.edit_class)
        ui.train_button.clicked.connect(lambda: s.train(self.extent()))
        ui.predict_button.clicked.connect(lambda: s.predict(self.extent()))
        ui.cancel_button.clicked.connect(s.cancel)
        ui.settings_button.clicked.connect(self.open_settings)
        ui.next_proposal_button.clicked.connect(self.next_proposal)
        s.proposalsChanged.connect(self.show_proposals)
        s.stateChanged.connect(self.show_state)
        s.busyChanged.connect(self.set_busy)
        s.progress.connect(ui.show_progress)
        s.message.connect(self.show_message)
        s.engineProblem.connect(self.show_engine_problem)
        s.liveChanged.connect(ui.show_live)
        ui.restart_button.clicked.connect(s.restart_engine)
        self.show_state(s.state)
        self.show_proposals(s.proposals)
        self.assessment = AssessmentSession(s, self)
        self.assessment_view = AssessmentView(self, self.assessment)

    # ---- showing ---------------------------------------------------------------------------------
    def show_state(self, state: DockState) -> None:
        ids = [c.id for c in state.classes]
        if self.active_class_id not in ids:
            self.active_class_id = ids[0] if ids else None
        self.ui.show_state(state, self.active_class_id)
        self.set_busy(self.session.busy)

    def set_busy(self, busy: bool) -> None:
        is_open = self.session.state.is_open
        self.ui.set_busy(busy, is_open, self.session.state.admin_refusal)
        self.click_action.setEnabled(not busy and is_open)
        self.ui.show_proposals(self.session.proposals, busy)
        if busy and self.canvas.mapTool() is self.tool:
            self.canvas.unsetMapTool(self.tool)  # the engine writes the record: no clicking meanwhile

    def show_proposals(self, queue: ProposalQueue) -> None:
        self.ui.show_proposals(queue, self.session.busy)

    def show_message(self, level: str, title: str, text: str) -> None:
        """In the message bar (warnings and errors stay until closed) and in the panel's status line."""
        self.ui.status_label.setText(text)
        duration = 0 if level in ("critical", "warning") else 6
        self.iface.messageBar().pushMessage(
            title, text, level=LEVELS.get(level, LEVELS["info"]), duration=duration
        )

    def show_engine_problem(self, text: str) -> None:
        """A mismatched or broken engine: the message and an **Update engine** button in the message bar."""
        self.ui.status_label.setText(text)
        bar = self.iface.messageBar()
        item = bar.createMessage(tr("iSAGE engine"), text)
        button = QPushButton(tr("Update engine"), item)
        button.clicked.connect(self.update_engine)
        item.layout().addWidget(button)
        bar.pushWidget(item, LEVELS["critical"], 0)

    def update_engine(self) -> None:
        """Open the settings and (re)build the managed environment with the engine the plugin carries."""
        dialog = SettingsDialog(PluginSettings.load(), self)
        dialog.show()
        dialog.build_environment()
        dialog.exec()

    # ---- map and classes -------------------------------------------------------------------------
    def extent(self) -> Extent | None:
        """The canvas extent and CRS when "Visible extent" is chosen, else None (whole frames)."""
        if self.ui.whole_frames():
            return None
        return self.canvas.extent(), self.canvas.mapSettings().destinationCrs()

    def toggle_tool(self, checked: bool) -> None:
        if checked and not self.session.busy:
            self.canvas.setMapTool(self.tool)
        elif self.canvas.mapTool() is self.tool:
            self.canvas.unsetMapTool(self.tool)

    def select_class_row(self, row: int) -> None:
        if 0 <= row < self.ui.class_table.rowCount():
            self.ui.class_table.selectRow(row)

    def class_key(self, row: int) -> None:
        """Key ``row + 1``: choose that class and label the sample point or the proposal shown with it."""
        if not 0 <= row < self.ui.class_table.rowCount():
            return
        self.select_class_row(row)
        if self.assessment_view.class_key(self.active_class_id):
            return
        proposal = self.session.proposals.current
        if proposal is not None and not self.session.busy:
            self.tool.report(self.tool.actions.add_pixel(proposal.frame, proposal.row, proposal.col))

    def next_key(self) -> None:
        """Key N: skip the sample point shown while assessing, else the next proposal."""
        if not self.assessment_view.next_key():
            self.next_proposal()

    def next_proposal(self) -> None:
        """Pan and zoom to the next proposal, mark it on its layer, and take the click tool for its keys."""
        if self.session.busy or self.assessment.active:  # a proposal names the map's class: not now
            return
        proposal = self.session.next_proposal()
        if proposal is None:
            self.show_message(
                "info", tr("Proposals"), tr("no proposal left: Train or Predict proposes new ones")
            )
            return
        rank = f'"rank" = {int(proposal.rank)}'  # no-i18n
        self.show_pixel(proposal, layers.proposals_layer(self.session.project), rank)

    def show_pixel(self, item, layer, selection: str) -> None:
        """Pan and zoom to a frame pixel (``item``: frame, row, col), select it on ``layer`` by ``selection``,
        and take the click tool for the keys."""
        frame = self.session.snapshot.frame(item.frame) if self.session.snapshot else None
        crs = self.canvas.mapSettings().destinationCrs()
        extent = proposal_extent(frame, item, crs, self.session.project.transformContext()) if frame else None
        if extent is not None:
            self.canvas.setExtent(extent)
            self.canvas.refresh()
        if layer is not None:
            layer.selectByExpression(selection)
        if self.canvas.mapTool() is not self.tool and self.click_action.isEnabled():
            self.click_action.setChecked(True)
            self.toggle_tool(True)
        self.canvas.setFocus()

    def _class_selected(self) -> None:
        selected = self.ui.selected_class_id()
        if selected is not None:
            self.active_class_id = int(selected)

    def _record_for_tool(self):
        return None if self.session.busy else self.session.record

    def _frame_layers(self) -> list[QgsRasterLayer]:
        return [lyr for lyr in QgsProject.instance().mapLayers().values() if isinstance(lyr, QgsRasterLayer)]

    # ---- dialogs ---------------------------------------------------------------------------------
    def new_workspace(self) -> None:
        dialog = dialogs.NewWorkspaceDialog(frame_candidates(QgsProject.instance()), self)
        if dialog.exec() and dialog.folder():
            self.session.create_workspace(dialog.folder(), dialog.classes(), dialog.frame_paths())

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open an iSAGE click record"), "", tr("GeoPackage (*.gpkg)")
        )
        if path:
            self.session.open_record(path)

    def postgis_dialog(self) -> dialogs.PostgisRecordDialog:
        """Ask for a QGIS PostGIS connection, the record's schema and a workspace folder; open the record."""
        crs = self.canvas.mapSettings().destinationCrs().authid()
        dialog = dialogs.PostgisRecordDialog(connection_names(), self, self.session.workspace, crs)
        if dialog.exec() and dialog.target() is not None:
            if dialog.new_classes() is None:
                self.session.open_postgis(dialog.target())
            else:
                self.session.create_postgis(dialog.target(), dialog.new_classes(), dialog.crs())
        return dialog

    def retract_reason(self, click) -> str | None:
        """Why someone else's click is retracted (a reviewer on a team record); None: cancelled."""
        text = tr("Why is click {fid} by {annotator} wrong? (kept with the retraction)")
        reason, ok = QInputDialog.getText(
            self, tr("Retract another person's click"), text.format(fid=click.fid, annotator=click.annotator)
        )
        return reason if ok else None

    def add_frames_dialog(self) -> None:
        """Frame rasters of the project, or frames fetched from one of its XYZ, WMTS or WMS layers."""
        project = QgsProject.instance()
        candidates, services = frame_candidates(project), service_candidates(project)
        if not candidates and not services:
            text = tr("add the frame rasters (GeoTIFF...) or an XYZ, WMTS or WMS layer to the project first")
            self.show_message("warning", tr("Frames"), text)
            return
        dialog = dialogs.FramePickerDialog(candidates, self, services)
        if not dialog.exec():
            return
        if dialog.service_layer_id():
            self.service_frames_dialog(dialog.service_layer_id(), dialog.frame_paths())
        elif dialog.frame_paths():
            self.session.add_frames(dialog.frame_paths())

    def service_frames_dialog(
        self, layer_id: str, files: list[str] | None = None
    ) -> ServiceFrameDialog | None:
        """Open the dialog of frames from service layer ``layer_id`` (not modal: an extent may be drawn on
        the map); on OK the session fetches them (after adding the rasters ``files``)."""
        layer = QgsProject.instance().mapLayer(layer_id)
        try:
            service = service_of(layer)
        except ServiceSourceError as exc:
            self.show_message("critical", tr("Frames"), str(exc))
            return None
        if self.service_dialog is not None:
            self.service_dialog.close()
        dialog = ServiceFrameDialog(
            service, self.canvas, QgsProject.instance(), self.session.state.frame_names, self
        )
        dialog.accepted.connect(
            lambda: self.session.add_service_frames(layer_id, dialog.frames(), files or [])
        )
        dialog.finished.connect(lambda result: self._service_dialog_closed(dialog))
        self.service_dialog = dialog
        dialog.show()
        return dialog

    def _service_dialog_closed(self, dialog: ServiceFrameDialog) -> None:
        if self.service_dialog is dialog:
            self.service_dialog = None
        dialog.deleteLater()  # after its accepted signal, which reads its frames

    def relink_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Folder holding the missing frames"))
        if folder:
            self.session.relink_frames([folder])

    def import_points_dialog(self) -> None:
        """The Processing dialog of *Import point layer as clicks* for this workspace; then re-read it."""
        if self.session.record is None:
            return
        import processing  # QGIS's Processing plugin: loaded with QGIS, not at plugin import

        processing.execAlgorithmDialog(IMPORT_POINTS, {"WORKSPACE": str(self.session.record.path)})
        self.session.reload_record()

    def add_class(self) -> None:
        dialog = dialogs.ClassDialog(next_class(self.session.state.classes), self)
        if dialog.exec():
            self.session.set_class(dialog.value())

    def edit_class(self) -> None:
        if not self.ui.edit_class_button.isEnabled():  # a double click on the table: the same rule
            return
        current = next((c for c in self.session.state.classes if c.id == self.active_class_id), None)
        dialog = dialogs.ClassDialog(current, self) if current is not None else None
        if dialog is not None and dialog.exec():
            self.session.set_class(dialog.value())

    def open_settings(self) -> None:
        if SettingsDialog(PluginSettings.load(), self).exec():
            self.session.update_live()  # live training switched on or off, another budget

    def cleanup(self) -> None:
        """Before the plugin unloads: stop any run, the resident engine and the assessment, release the
        map tool."""
        if self.service_dialog is not None:
            self.service_dialog.close()
        self.session.cancel()
        self.session.stop_engine()
        self.session.stop_watching()
        self.assessment.stop()
        if self.canvas.mapTool() is self.tool:
            self.canvas.unsetMapTool(self.tool)
