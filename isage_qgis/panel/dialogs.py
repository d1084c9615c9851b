"""Small dialogs of the dock: a new workspace, a team's record in PostGIS, one class, frame rasters (or a
service layer) from the project. Input only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.gui import QgsColorButton
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..layers.service_source import KIND_LABELS
from ..record.model import ClassInfo
from ..record.postgis import DEFAULT_SCHEMA, PostgisTarget
from ..translation import tr
from .model import DEFAULT_CLASSES, class_lines, parse_class_lines

CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
USER_ROLE = Qt.ItemDataRole.UserRole


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def raster_list(candidates: Sequence[tuple[str, str]], checked: bool = True) -> QListWidget:
    """A checkable list of ``(layer name, file)``; the file is the item's user data."""
    widget = QListWidget()
    for name, path in candidates:
        item = QListWidgetItem(f"{name}  —  {path}")
        item.setData(USER_ROLE, path)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(CHECKED if checked else UNCHECKED)
        widget.addItem(item)
    return widget


def checked_paths(widget: QListWidget) -> list[str]:
    items = (widget.item(i) for i in range(widget.count()))
    return [str(item.data(USER_ROLE)) for item in items if item.checkState() == CHECKED]


class NewWorkspaceDialog(QDialog):
    """Folder, classes (``name #rrggbb`` per line) and the frame rasters of a new workspace."""

    def __init__(self, candidates: Sequence[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("New iSAGE workspace"))
        self.folder_edit = QLineEdit()
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit)
        row.addWidget(browse)
        self.classes_edit = QPlainTextEdit(class_lines(DEFAULT_CLASSES))
        self.classes_edit.setToolTip(tr("One class per line: a name, then optionally a colour #rrggbb"))
        self.frames_list = raster_list(candidates)
        form = QFormLayout()
        form.addRow(tr("Folder"), row)
        form.addRow(tr("Classes"), self.classes_edit)
        form.addRow(
            "Frames", self.frames_list if candidates else QLabel(tr("no raster layer in the project yet"))
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Workspace folder (clicks.gpkg, models, outputs)"))
        if folder:
            self.folder_edit.setText(folder)

    def folder(self) -> str:
        return self.folder_edit.text().strip()

    def classes(self) -> list[ClassInfo]:
        return parse_class_lines(self.classes_edit.toPlainText())

    def frame_paths(self) -> list[str]:
        return checked_paths(self.frames_list)


class ClassDialog(QDialog):
    """Name and colour of one class (id fixed)."""

    def __init__(self, c: ClassInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.class_id = c.id
        self.setWindowTitle(tr("iSAGE class {id}").format(id=c.id))
        self.name_edit = QLineEdit(c.name)
        self.color_button = QgsColorButton()
        self.color_button.setColor(QColor(c.color))
        form = QFormLayout(self)
        form.addRow(tr("Name"), self.name_edit)
        form.addRow(tr("Colour"), self.color_button)
        form.addRow(_buttons(self))

    def value(self) -> ClassInfo:
        return ClassInfo(self.class_id, self.name_edit.text().strip(), self.color_button.color().name())


class FramePickerDialog(QDialog):
    """Choose frame rasters among the project's raster layers, or one XYZ, WMTS or WMS layer to fetch
    frames from (its area and zoom are asked next)."""

    def __init__(
        self,
        candidates: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
        services: Sequence[tuple[str, str, str]] = (),
    ):
        super().__init__(parent)
        self.setWindowTitle(tr("Add frames to the click record"))
        self.frames_list = raster_list(candidates, checked=not services)
        self.services_list = QListWidget()
        for name, layer_id, kind in services:
            item = QListWidgetItem(f"{name}  —  {tr(KIND_LABELS[kind])}")
            item.setData(USER_ROLE, layer_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(UNCHECKED)
            self.services_list.addItem(item)
        self.services_list.itemChanged.connect(self._one_service)
        layout = QVBoxLayout(self)
        if candidates:
            layout.addWidget(QLabel(tr("Raster layers of the project (file-based) to add as frames:")))
            layout.addWidget(self.frames_list)
        if services:
            layout.addWidget(
                QLabel(tr("Or an imagery service layer (XYZ, WMTS, WMS); its area and zoom are asked next:"))
            )
            layout.addWidget(self.services_list)
        layout.addWidget(_buttons(self))

    def _one_service(self, changed: QListWidgetItem) -> None:
        """One service layer at a time: checking one unchecks the others."""
        if changed.checkState() != CHECKED:
            return
        for i in range(self.services_list.count()):
            item = self.services_list.item(i)
            if item is not changed and item.checkState() == CHECKED:
                item.setCheckState(UNCHECKED)

    def frame_paths(self) -> list[str]:
        return checked_paths(self.frames_list)

    def service_layer_id(self) -> str:
        """The id of the service layer chosen ("" when none)."""
        chosen = checked_paths(self.services_list)
        return chosen[0] if chosen else ""


class PostgisRecordDialog(QDialog):
    """Connection (QGIS's saved PostGIS connections), schema (``isage``) and workspace folder; or, for the
    database's administrator, a new record there: its classes and CRS."""

    def __init__(
        self, connections: Sequence[str], parent: QWidget | None = None, folder: str = "", crs: str = ""
    ):
        super().__init__(parent)
        self.setWindowTitle(tr("Open a team's click record in PostGIS"))
        self.connection_combo = QComboBox()
        self.connection_combo.addItems(list(connections))
        self.connection_combo.setToolTip(
            tr("A PostGIS connection saved in QGIS (Browser > PostgreSQL); its login is yours")
        )
        self.schema_edit = QLineEdit(DEFAULT_SCHEMA)
        self.schema_edit.setToolTip(tr("The schema holding the record, as the administrator named it"))
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setToolTip(
            tr("A folder on this computer for the models and results (no password is written there)")
        )
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit)
        row.addWidget(browse)
        form = QFormLayout(self)
        if not connections:
            form.addRow(QLabel(tr("No PostGIS connection in QGIS yet: add one in the Browser (PostgreSQL).")))
        form.addRow(tr("Connection"), self.connection_combo)
        form.addRow(tr("Schema"), self.schema_edit)
        form.addRow(tr("Workspace folder"), row)
        self.trainer_combo = QComboBox()
        self.trainer_combo.setEditable(True)
        self.trainer_combo.addItems(["", *connections])
        self.trainer_combo.setToolTip(
            tr(
                "Optional: the team's trainer account the engine records training runs and assessment "
                "designs with: a saved PostGIS connection (its login goes to the engine only) or service=NAME"
            )
        )
        form.addRow(tr("Trainer account"), self.trainer_combo)
        self.create_check = QCheckBox(tr("Create the record in this schema (the database's administrator)"))
        self.classes_edit = QPlainTextEdit(class_lines(DEFAULT_CLASSES))
        self.classes_edit.setToolTip(tr("One class per line: a name, then optionally a colour #rrggbb"))
        self.crs_edit = QLineEdit(crs)
        self.crs_edit.setToolTip(tr("The record's CRS as an EPSG code, e.g. EPSG:31983"))
        form.addRow(self.create_check)
        form.addRow(tr("Classes"), self.classes_edit)
        form.addRow(tr("CRS"), self.crs_edit)
        self.create_check.toggled.connect(self._update_ok)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for signal in (self.schema_edit.textChanged, self.folder_edit.textChanged):
            signal.connect(self._update_ok)
        self._update_ok()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Workspace folder (models, outputs)"))
        if folder:
            self.folder_edit.setText(folder)

    def _update_ok(self) -> None:
        creating = self.create_check.isChecked()
        self.classes_edit.setEnabled(creating)
        self.crs_edit.setEnabled(creating)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.target() is not None and (not creating or bool(self.new_classes())))

    def new_classes(self) -> list[ClassInfo] | None:
        """The classes of the record to create; None when the record is to be opened."""
        return parse_class_lines(self.classes_edit.toPlainText()) if self.create_check.isChecked() else None

    def crs(self) -> str:
        return self.crs_edit.text().strip()

    def target(self) -> PostgisTarget | None:
        """The record chosen; None until a connection, a schema and a folder are given."""
        connection = self.connection_combo.currentText()
        schema, folder = self.schema_edit.text().strip(), self.folder_edit.text().strip()
        if not (connection and schema and folder):
            return None
        trainer = self.trainer_combo.currentText().strip()
        return PostgisTarget(connection, schema, Path(folder).expanduser().resolve(), trainer)
