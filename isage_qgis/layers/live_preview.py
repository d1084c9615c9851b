"""The live preview layer: what the model being trained predicts around the newest click.

The resident engine writes a small class raster every few seconds while it trains live
(``isage_core.live.preview``); one layer at the top of the project shows the newest. It is replaced, not
added to: a preview belongs to no iteration and goes away with the record.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from qgis.core import QgsProject, QgsRasterLayer

from ..translation import deferred_tr, tr
from .results import PROP_FRAME, PROP_ITERATION, PROP_KIND, PROP_ROLE, layers_of
from .styles import ClassLike, style_class_layer

log = logging.getLogger(__name__)
PREVIEW_KIND = "live-preview"
PREVIEW_LAYER_NAME = deferred_tr("iSAGE live preview")
PREVIEW_OPACITY = 0.6


def live_preview_layer(project: QgsProject) -> QgsRasterLayer | None:
    """The project's live preview layer, if one is shown."""
    found = [lyr for lyr in layers_of(project, "result") if lyr.customProperty(PROP_KIND) == PREVIEW_KIND]
    return found[0] if found else None


def show_live_preview(
    project: QgsProject, path: str | Path, frame: str, iteration: int, classes: Sequence[ClassLike]
) -> QgsRasterLayer | None:
    """Show the preview raster ``path`` in the one live preview layer (at the top, its visibility kept);
    None when the file cannot be read."""
    layer = QgsRasterLayer(str(Path(path).resolve()), tr(PREVIEW_LAYER_NAME), "gdal")
    if not layer.isValid():
        log.warning("could not open the live preview %s; it is not shown", path)
        return None
    style_class_layer(layer, classes, PREVIEW_OPACITY)
    layer.setCustomProperty(PROP_ROLE, "result")
    layer.setCustomProperty(PROP_KIND, PREVIEW_KIND)
    layer.setCustomProperty(PROP_FRAME, frame)
    layer.setCustomProperty(PROP_ITERATION, int(iteration))
    root = project.layerTreeRoot()
    old = live_preview_layer(project)
    visible = True
    if old is not None:
        node = root.findLayer(old.id())
        visible = node.isVisible() if node is not None else True
        project.removeMapLayer(old.id())
    project.addMapLayer(layer, False)
    node = root.insertLayer(0, layer)
    node.setItemVisibilityChecked(visible)
    return layer


def remove_live_preview(project: QgsProject) -> None:
    """Remove the live preview layer (the record closed, or live training stopped)."""
    old = live_preview_layer(project)
    if old is not None:
        project.removeMapLayer(old.id())
