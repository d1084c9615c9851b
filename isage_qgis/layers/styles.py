"""Renderers for iSAGE results: class rasters in the class colours, heatmaps on a 0..1 colour ramp.

Pure styling from data (a class list, a heatmap kind): no layer tree, no project, no dock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from qgis.core import (
    Qgis,
    QgsColorRamp,
    QgsColorRampShader,
    QgsGradientColorRamp,
    QgsMarkerSymbol,
    QgsPalettedRasterRenderer,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsStyle,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

HEATMAP_KINDS = ("confidence", "change", "error")
# A ramp of QGIS's default style per heatmap, and the two colours used when that style lacks it.
HEATMAP_RAMPS: dict[str, tuple[str, str, str]] = {
    "confidence": ("Viridis", "#440154", "#fde725"),
    "change": ("Magma", "#000004", "#fcfdbf"),
    "error": ("Reds", "#fff5f0", "#67000d"),
}
RAMP_STOPS = 10  # interpolated colour stops between 0 and 1
UNKNOWN_COLOR = "#ff00ff"
PROPOSAL_COLOR = "#00e5ff"


class ClassLike(Protocol):
    """Anything with the fields of a class of the click record (``classes`` table)."""

    id: int
    name: str
    color: str  # '#rrggbb'


def qcolor(text: str, fallback: str = UNKNOWN_COLOR) -> QColor:
    """``QColor`` of ``#rrggbb`` (or any name Qt knows); ``fallback`` when invalid."""
    color = QColor(str(text or ""))
    return color if color.isValid() else QColor(fallback)


def _enum(*candidates: tuple[object, str]):
    """The first attribute found among ``(owner, name)`` pairs: enum names moved between QGIS 3 and 4."""
    for owner, name in candidates:
        if owner is not None and hasattr(owner, name):
            return getattr(owner, name)
    raise AttributeError(f"none of {[n for _, n in candidates]} exists in this QGIS")  # no-i18n


def _interpolation_linear():
    return _enum(
        (getattr(Qgis, "ShaderInterpolationMethod", None), "Linear"), (QgsColorRampShader, "Interpolated")
    )


def _classification_continuous():
    return _enum(
        (getattr(Qgis, "ShaderClassificationMethod", None), "Continuous"), (QgsColorRampShader, "Continuous")
    )


def paletted_classes(classes: Iterable[ClassLike]) -> list[QgsPalettedRasterRenderer.Class]:
    """One palette entry per class (value = class id, label = class name), sorted by id."""
    return [
        QgsPalettedRasterRenderer.Class(int(c.id), qcolor(c.color), str(c.name))
        for c in sorted(classes, key=lambda c: int(c.id))
    ]


def class_renderer(layer: QgsRasterLayer, classes: Sequence[ClassLike]) -> QgsPalettedRasterRenderer:
    """A paletted renderer of band 1 in the class colours and names."""
    return QgsPalettedRasterRenderer(layer.dataProvider(), 1, paletted_classes(classes))


def heatmap_ramp(kind: str) -> QgsColorRamp:
    """The colour ramp of a heatmap kind (from QGIS's default style, else a two-colour gradient)."""
    name, low, high = HEATMAP_RAMPS.get(kind, HEATMAP_RAMPS["confidence"])
    style = QgsStyle.defaultStyle()
    ramp = style.colorRamp(name) if style is not None else None
    return ramp if ramp is not None else QgsGradientColorRamp(QColor(low), QColor(high))


def heatmap_renderer(
    layer: QgsRasterLayer, kind: str, minimum: float = 0.0, maximum: float = 1.0
) -> QgsSingleBandPseudoColorRenderer:
    """A single-band pseudocolour renderer over ``minimum..maximum`` with the heatmap's ramp."""
    ramp = heatmap_ramp(kind)
    ramp_shader = QgsColorRampShader(minimum, maximum)
    ramp_shader.setColorRampType(_interpolation_linear())
    ramp_shader.setClassificationMode(_classification_continuous())
    span = maximum - minimum
    items = []
    for index in range(RAMP_STOPS + 1):
        fraction = index / RAMP_STOPS
        value = minimum + span * fraction
        items.append(QgsColorRampShader.ColorRampItem(value, ramp.color(fraction), f"{value:.2f}"))
    ramp_shader.setColorRampItemList(items)
    ramp_shader.setSourceColorRamp(ramp.clone())
    shader = QgsRasterShader(minimum, maximum)
    shader.setRasterShaderFunction(ramp_shader)  # the shader takes ownership
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(minimum)
    renderer.setClassificationMax(maximum)
    return renderer


def style_class_layer(layer: QgsRasterLayer, classes: Sequence[ClassLike], opacity: float = 1.0) -> None:
    """Render a class raster in the class colours (nodata stays transparent)."""
    layer.setRenderer(class_renderer(layer, classes))
    layer.setOpacity(opacity)
    layer.triggerRepaint()


def style_heatmap_layer(layer: QgsRasterLayer, kind: str, opacity: float = 1.0) -> None:
    """Render a 0..1 heatmap (``confidence``, ``change``, ``error``) in pseudocolour."""
    layer.setRenderer(heatmap_renderer(layer, kind))
    layer.setOpacity(opacity)
    layer.triggerRepaint()


def style_proposals_layer(layer: QgsVectorLayer) -> None:
    """Proposals as hollow rings (the pixel under them stays visible), distinct from the filled clicks."""
    ring = QgsMarkerSymbol.createSimple(
        {
            "name": "circle",
            "color": "0,0,0,0",
            "outline_color": PROPOSAL_COLOR,
            "outline_width": "0.7",
            "size": "5",
        }
    )
    layer.setRenderer(QgsSingleSymbolRenderer(ring))
    layer.triggerRepaint()
