"""The dialog of frames fetched from an XYZ, WMTS or WMS layer of the project. Input only.

It asks for the area (the visible map extent; an extent drawn on the map, typed or taken from a layer; or
the features of a polygon layer, one frame each: its bounding box), the zoom level (XYZ/WMTS, within the
layer's levels) or the ground resolution (WMS, in the layer CRS's units) and the frame name, and shows the
pixels and the download they make before anything starts, as the choices change. The frames it describes
(:meth:`ServiceFrameDialog.frames`) go to :meth:`~isage_qgis.panel.session.IsageSession.add_service_frames`;
the sizes and names come from :mod:`isage_qgis.layers.service_source`.
"""

from __future__ import annotations

from collections.abc import Sequence

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsUnitTypes
from qgis.gui import QgsExtentWidget, QgsMapCanvas, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..compat import POLYGON_LAYERS
from ..layers.service_source import (
    KIND_LABELS,
    MAX_PIXELS,
    ServiceFrame,
    ServiceLayer,
    download_mb,
    feature_extents,
    frame_name,
    frame_size,
    is_plain_name,
    resolution_in,
    to_service_extent,
    unique_name,
)
from ..translation import deferred_tr, tr

VISIBLE, EXTENT, FEATURES = range(3)
AREA_MODES = (
    deferred_tr("Visible map extent"),
    deferred_tr("Extent drawn on the map, typed or from a layer"),
    deferred_tr("Features of a polygon layer: one frame each"),
)


class ServiceFrameDialog(QDialog):
    """Frames from ``service`` (a :class:`~isage_qgis.layers.service_source.ServiceLayer`); ``taken``: the
    record's frame names. Not modal: drawing an extent hides it while the map takes the mouse."""

    def __init__(
        self,
        service: ServiceLayer,
        canvas: QgsMapCanvas,
        project: QgsProject | None = None,
        taken: Sequence[str] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.service, self.canvas = service, canvas
        self.project = project or QgsProject.instance()
        self.taken = list(taken)
        self.service_crs = QgsCoordinateReferenceSystem(service.crs)
        self.setWindowTitle(tr("Add frames from {layer}").format(layer=service.title))

        about = tr(
            "{kind} from {host}: the imagery of the area is downloaded once into the workspace, then it is a "
            "frame like any other."
        ).format(kind=tr(KIND_LABELS[service.kind]), host=service.host)
        self.about_label = QLabel(about)
        self.about_label.setWordWrap(True)

        self.area_combo = QComboBox()
        for text in AREA_MODES:
            self.area_combo.addItem(tr(text))
        crs = canvas.mapSettings().destinationCrs()
        self.extent_widget = QgsExtentWidget()
        self.extent_widget.setMapCanvas(canvas)
        self.extent_widget.setOutputCrs(self.service_crs)
        self.extent_widget.setOriginalExtent(canvas.extent(), crs)
        self.extent_widget.setCurrentExtent(canvas.extent(), crs)
        self.extent_widget.setOutputExtentFromCurrent()
        self.extent_widget.toggleDialogVisibility.connect(self.setVisible)
        self.extent_widget.setToolTip(
            tr("Draw the extent on the map, or take the map's or a layer's, with the button at its right")
        )
        self.polygon_combo = QgsMapLayerComboBox()
        self.polygon_combo.setFilters(POLYGON_LAYERS)
        self.selected_check = QCheckBox(tr("Selected features only"))
        self.polygon_row = QWidget()
        row = QHBoxLayout(self.polygon_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.polygon_combo, 1)
        row.addWidget(self.selected_check)
        area = QVBoxLayout()
        for widget in (self.area_combo, self.extent_widget, self.polygon_row):
            area.addWidget(widget)

        canvas_res = self._canvas_resolution()
        self.pixel_label = QLabel()
        detail = QHBoxLayout()
        if service.tiled:
            low, high = service.levels[0][0], service.levels[-1][0]
            self.level_spin = QSpinBox()
            self.level_spin.setRange(low, high)
            self.level_spin.setValue(service.nearest_zoom(canvas_res))
            self.level_spin.setToolTip(
                tr("Zoom levels of the layer: {low} to {high}").format(low=low, high=high)
            )
            self.level_spin.valueChanged.connect(self._level_changed)
            detail.addWidget(self.level_spin)
            level_text = tr("Zoom level")
        else:
            degrees = self.service_crs.isGeographic()
            self.level_spin = QDoubleSpinBox()
            self.level_spin.setDecimals(9 if degrees else 3)
            self.level_spin.setRange(1e-9 if degrees else 0.001, 1e6)
            self.level_spin.setValue(float(f"{canvas_res:.3g}") if canvas_res > 0 else 1.0)
            self.level_spin.valueChanged.connect(self._level_changed)
            detail.addWidget(self.level_spin)
            level_text = tr("Ground resolution")
        detail.addWidget(self.pixel_label, 1)

        self.name_edit = QLineEdit(self._default_name())
        self.name_edit.textEdited.connect(self._name_edited)
        self._auto_name = True
        self.estimate_label = QLabel()
        self.estimate_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        form = QFormLayout()
        form.addRow(tr("Area"), area)
        form.addRow(level_text, detail)
        form.addRow(tr("Frame name"), self.name_edit)
        form.addRow(tr("Download"), self.estimate_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.area_combo.currentIndexChanged.connect(self._update)
        self.extent_widget.extentChanged.connect(self._update)
        self.polygon_combo.layerChanged.connect(self._update)
        self.selected_check.toggled.connect(self._update)
        self.name_edit.textChanged.connect(self._update)
        canvas.extentsChanged.connect(self._canvas_moved)
        self.finished.connect(self._disconnect)
        self._update()

    # ---- choices ----------------------------------------------------------------------------------
    def _canvas_resolution(self) -> float:
        size = self.canvas.mapSettings().outputSize()
        crs = self.canvas.mapSettings().destinationCrs()
        context = self.project.transformContext()
        return resolution_in(self.canvas.extent(), crs, size.width(), self.service, context)

    def level(self) -> tuple[int | None, float | None]:
        """``(zoom, None)`` for a tile service, ``(None, resolution)`` for a WMS."""
        if self.service.tiled:
            return int(self.level_spin.value()), None
        return None, float(self.level_spin.value())

    def _default_name(self) -> str:
        return frame_name(self.service.title, self.level()[0], self.taken)

    def _name_edited(self, text: str) -> None:
        self._auto_name = not text.strip()

    def _level_changed(self, value) -> None:
        if self._auto_name:
            self.name_edit.setText(self._default_name())
        self._update()

    def _canvas_moved(self) -> None:
        if self.area_combo.currentIndex() == VISIBLE:
            self._update()

    def _disconnect(self, result: int) -> None:
        try:
            self.canvas.extentsChanged.disconnect(self._canvas_moved)
        except (TypeError, RuntimeError):  # already gone
            pass

    def areas(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        """``(name suffix, extent in the service's CRS)`` of each frame: one for an extent (no suffix), one
        per polygon feature (its id)."""
        context = self.project.transformContext()
        mode = self.area_combo.currentIndex()
        if mode == VISIBLE:
            crs = self.canvas.mapSettings().destinationCrs()
            box = to_service_extent(self.canvas.extent(), crs, self.service, context)
            return [("", box)] if box else []
        if mode == EXTENT:
            if not self.extent_widget.isValid():
                return []
            box = to_service_extent(
                self.extent_widget.outputExtent(), self.service_crs, self.service, context
            )
            return [("", box)] if box else []
        layer = self.polygon_combo.currentLayer()
        if layer is None:
            return []
        found = feature_extents(layer, self.service, context, self.selected_check.isChecked())
        return [(str(fid), box) for fid, box in found]

    def frames(self) -> list[ServiceFrame]:
        """The frames the choices describe (polygon features: ``NAME_<feature id>``, made unique)."""
        zoom, resolution = self.level()
        name, taken, frames = self.name_edit.text().strip(), list(self.taken), []
        for suffix, box in self.areas():
            this = unique_name(f"{name}_{suffix}", taken) if suffix else name
            taken.append(this)
            frames.append(ServiceFrame(this, box, zoom, resolution))
        return frames

    def problem(self, frames: Sequence[ServiceFrame] | None = None) -> str:
        """Why the frames cannot be fetched as chosen ("" when they can)."""
        frames = self.frames() if frames is None else frames
        name = self.name_edit.text().strip()
        if not is_plain_name(name):
            return tr("The frame name may hold letters, digits, _, . and - only.")
        if self.area_combo.currentIndex() != FEATURES and name in self.taken:
            return tr("The record has a frame named {name} already; choose another name.").format(name=name)
        sizes = [frame_size(self.service, f) for f in frames]
        if not sizes or not all(w * h for w, h in sizes):
            if self.area_combo.currentIndex() == FEATURES:
                return tr("No area: choose a polygon layer with features (or select some).")
            return tr("No area: pan the map to the imagery or draw an extent.")
        largest = max(w * h for w, h in sizes)
        if largest > MAX_PIXELS:
            return tr(
                "{megapixels} Mpx in one frame, over the engine's limit of {limit} Mpx; choose a coarser "
                "level or a smaller area."
            ).format(megapixels=f"{largest / 1e6:.0f}", limit=f"{MAX_PIXELS / 1e6:.0f}")
        return ""

    def estimate_text(self, frames: Sequence[ServiceFrame] | None = None) -> str:
        """The pixels and the download the frames make (or why they cannot be fetched)."""
        frames = self.frames() if frames is None else frames
        problem = self.problem(frames)
        if problem:
            return problem
        sizes = [frame_size(self.service, f) for f in frames]
        pixels = sum(w * h for w, h in sizes)
        low, high = download_mb(pixels)
        if len(frames) == 1:
            text = tr("{width} × {height} px ({megapixels} Mpx); about {low}–{high} MB to download")
            width, height = sizes[0]
            return text.format(
                width=width, height=height, megapixels=f"{pixels / 1e6:.2f}", low=low, high=high
            )
        text = tr("%n frames, {megapixels} Mpx in all; about {low}–{high} MB to download", len(frames))
        return text.format(megapixels=f"{pixels / 1e6:.2f}", low=low, high=high)

    def _update(self, *args) -> None:
        mode = self.area_combo.currentIndex()
        self.extent_widget.setVisible(mode == EXTENT)
        self.polygon_row.setVisible(mode == FEATURES)
        zoom, resolution = self.level()
        size = self.service.resolution(zoom) if zoom is not None else resolution
        units = QgsUnitTypes.toAbbreviatedString(self.service_crs.mapUnits())
        self.pixel_label.setText(tr("{size} {units} a pixel").format(size=f"{size:.3g}", units=units))
        frames = self.frames()
        self.estimate_label.setText(self.estimate_text(frames))
        self.ok_button.setEnabled(not self.problem(frames))
