"""The dialog that opens a team's click record in PostGIS: one of QGIS's saved PostGIS connections, the
record's schema and a local workspace folder (models and outputs). Input only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ..record.postgis import DEFAULT_SCHEMA, PostgisTarget
from ..translation import tr


class PostgisRecordDialog(QDialog):
    """Connection (QGIS's saved PostGIS connections), schema (``isage``) and workspace folder."""

    def __init__(self, connections: Sequence[str], parent: QWidget | None = None, folder: str = ""):
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
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.target() is not None)

    def target(self) -> PostgisTarget | None:
        """The record chosen; None until a connection, a schema and a folder are given."""
        connection = self.connection_combo.currentText()
        schema, folder = self.schema_edit.text().strip(), self.folder_edit.text().strip()
        if not (connection and schema and folder):
            return None
        return PostgisTarget(connection, schema, Path(folder).expanduser().resolve())
