"""Styling of the click layer: points in their class colours; retracted clicks are not drawn.

The renderer categorises on an expression that is NULL for retracted clicks and has no catch-all
category, so retracted clicks stay in the attribute table (the audit trail) but vanish from the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsMarkerSymbol,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

CATEGORY_EXPRESSION = 'CASE WHEN "retracted" = 0 THEN "class_id" END'  # no-i18n
# the PostGIS record's "retracted" is a boolean, which QGIS does not compare with 0
BOOLEAN_CATEGORY_EXPRESSION = 'CASE WHEN NOT "retracted" THEN "class_id" END'  # no-i18n
# a subset string for a layer that must not even list retracted clicks
DISPLAY_FILTER = '"retracted" = 0'  # no-i18n
MARKER_SIZE_MM = 3.2
FALLBACK_COLOR = "#ff00ff"


class ClassLike(Protocol):
    id: int
    name: str
    color: str  # '#rrggbb'


def click_symbol(color: str) -> QgsMarkerSymbol:
    """A filled circle in ``color`` with a white outline, readable over imagery."""
    fill = QColor(color) if QColor(color).isValid() else QColor(FALLBACK_COLOR)
    return QgsMarkerSymbol.createSimple(
        {
            "name": "circle",
            "color": fill.name(),
            "outline_color": "#ffffff",
            "outline_width": "0.4",
            "size": str(MARKER_SIZE_MM),
        }
    )


def click_renderer(
    classes: Sequence[ClassLike], expression: str = CATEGORY_EXPRESSION
) -> QgsCategorizedSymbolRenderer:
    """One category per class (``id: name``); retracted clicks match none and are not drawn."""
    categories = [QgsRendererCategory(int(c.id), click_symbol(c.color), f"{c.id}: {c.name}") for c in classes]
    return QgsCategorizedSymbolRenderer(expression, categories)


def apply_click_style(
    layer: QgsVectorLayer, classes: Sequence[ClassLike], hide_in_table: bool = False
) -> None:
    """Set the click renderer on ``layer``; ``hide_in_table`` also filters retracted clicks out of the
    layer itself (subset string), which hides them from its attribute table too."""
    boolean = layer.providerType() == "postgres"  # no-i18n
    layer.setRenderer(
        click_renderer(classes, BOOLEAN_CATEGORY_EXPRESSION if boolean else CATEGORY_EXPRESSION)
    )
    if hide_in_table and layer.subsetString() != DISPLAY_FILTER:
        layer.setSubsetString(DISPLAY_FILTER)
    layer.triggerRepaint()
