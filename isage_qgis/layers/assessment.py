"""The accuracy assessment on the map: the sample points of a design as a layer, and the prediction layers
hidden while a person labels them.

The sample is drawn neutrally: every point alike whatever the map says there (its stratum is neither
drawn nor shown in forms or the attribute table); labelled points are small grey dots, the others hollow
rings. While labelling, every iSAGE result layer (class rasters, heatmaps, proposals) is unchecked, and
its own check state is put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from qgis.core import (
    QgsDataSourceUri,
    QgsEditorWidgetSetup,
    QgsMarkerSymbol,
    QgsProject,
    QgsProviderRegistry,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
)

from ..record.model import eq_filter
from ..translation import deferred_tr, tr
from .results import PROP_KIND, PROP_ROLE, layers_of

LAYER_NAME = deferred_tr("iSAGE assessment sample")
ROLE = "assessment"
PROP_DESIGN = "isage/design"
HIDDEN_FIELDS = ("stratum", "click_distance_px")  # what the map says there, and how near a click is
OPEN_RING = {"name": "circle", "color": "0,0,0,0", "outline_color": "#ffffff", "outline_width": "0.8",
             "size": "5"}  # fmt: skip
LABELLED_DOT = {"name": "circle", "color": "#9e9e9e", "outline_color": "#424242", "outline_width": "0.3",
                "size": "2"}  # fmt: skip


def style_assessment_layer(layer: QgsVectorLayer, labelled: Iterable[int]) -> None:
    """Hollow white rings for points still to label, small grey dots for labelled ones (by point id)."""
    ids = sorted({int(p) for p in labelled})
    root = QgsRuleBasedRenderer.Rule(None)
    if ids:
        where = f'"point_id" IN ({", ".join(map(str, ids))})'  # no-i18n
        root.appendChild(
            QgsRuleBasedRenderer.Rule(QgsMarkerSymbol.createSimple(LABELLED_DOT), 0, 0, where, tr("labelled"))
        )
    root.appendChild(
        QgsRuleBasedRenderer.Rule(QgsMarkerSymbol.createSimple(OPEN_RING), 0, 0, "ELSE", tr("to label"))
    )
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.triggerRepaint()


def _hide_fields(layer: QgsVectorLayer) -> None:
    """Keep the stratum out of forms, identify results and the attribute table."""
    config = layer.attributeTableConfig()
    for name in HIDDEN_FIELDS:
        index = layer.fields().indexOf(name)
        if index < 0:
            continue
        layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("Hidden", {}))
        config.setColumnHidden(index, True)
    layer.setAttributeTableConfig(config)


def assessment_layer(project: QgsProject) -> QgsVectorLayer | None:
    """The project's assessment sample layer, if one is shown."""
    found = list(layers_of(project, ROLE))
    return found[0] if found else None


def remove_assessment_layers(project: QgsProject) -> None:
    project.removeMapLayers([lyr.id() for lyr in layers_of(project, ROLE)])


def add_assessment_layer(
    project: QgsProject, gpkg: str | Path | tuple[str, str], design_id: str, labelled: Iterable[int] = ()
) -> QgsVectorLayer | None:
    """Show the sample points of ``design_id`` at the top of the layer tree, replacing an earlier sample
    layer; None when the record has no readable sample. ``gpkg``: the GeoPackage record, or ``(provider,
    source)`` of a team record's ``assessment_points`` table."""
    remove_assessment_layers(project)
    if isinstance(gpkg, tuple):
        provider, uri = gpkg[0], QgsDataSourceUri(gpkg[1])
        uri.setSql(eq_filter(design_id=design_id))
        source = uri.uri(False)
    else:
        # the filter goes into the source: set later, OGR cannot count the features while other layers
        # hold the GeoPackage open ("unable to open database file")
        provider, parts = "ogr", {"path": str(Path(gpkg).resolve()), "layerName": "assessment_points"}
        source = QgsProviderRegistry.instance().encodeUri(
            "ogr", dict(parts, subset=eq_filter(design_id=design_id))
        )
    layer = QgsVectorLayer(source, tr(LAYER_NAME), provider)
    layer.setReadOnly(provider == "postgres")  # no-i18n: labels are written by the panel, never here
    if not layer.isValid():
        return None
    layer.setCustomProperty(PROP_ROLE, ROLE)
    layer.setCustomProperty(PROP_KIND, ROLE)
    layer.setCustomProperty(PROP_DESIGN, design_id)
    _hide_fields(layer)
    style_assessment_layer(layer, labelled)
    project.addMapLayer(layer, False)
    project.layerTreeRoot().insertLayer(0, layer)
    return layer


def hide_result_layers(project: QgsProject, saved: dict[str, bool] | None = None) -> dict[str, bool]:
    """Uncheck every iSAGE result layer (class rasters, heatmaps, proposals) in the layer tree; returns
    ``saved`` plus the check state each newly hidden one had (by layer id), for :func:`restore_layers`."""
    saved = dict(saved or {})
    root = project.layerTreeRoot()
    for layer in layers_of(project, "result"):
        node = root.findLayer(layer.id())
        if node is None:
            continue
        saved.setdefault(layer.id(), node.itemVisibilityChecked())
        node.setItemVisibilityChecked(False)
    return saved


def restore_layers(project: QgsProject, saved: Mapping[str, bool]) -> None:
    """Give the layers :func:`hide_result_layers` hid their check state back (removed ones are skipped)."""
    root = project.layerTreeRoot()
    for layer_id, checked in saved.items():
        node = root.findLayer(layer_id)
        if node is not None:
            node.setItemVisibilityChecked(bool(checked))
