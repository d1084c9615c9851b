"""QGIS styles that travel with the outputs: a ``.qml`` beside each class raster (QGIS loads it when the
raster is added) and a default style inside the vectorised GeoPackage (its ``layer_styles`` table, which
QGIS reads), so the legend shows the classes, by name and colour, and nothing else."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from html import escape
from pathlib import Path

STYLE_VERSION = "3.40.0"  # the oldest QGIS the project supports; QGIS 4 reads these documents too
log = logging.getLogger(__name__)
_HEAD = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def _attr(text) -> str:
    return escape(str(text), quote=True)


def parse_color(text: str) -> tuple[int, int, int, int]:
    """``#rgb``, ``#rrggbb`` or ``#rrggbbaa`` to an RGBA tuple; anything else becomes grey."""
    value = str(text).strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        if len(value) in (6, 8):
            rgba = [int(value[i : i + 2], 16) for i in range(0, len(value), 2)]
            return (*rgba[:3], rgba[3] if len(rgba) == 4 else 255)
    except ValueError:
        pass
    log.warning("colour %r is not #rrggbb; using grey", text)
    return (128, 128, 128, 255)


def raster_qml(ids, names, colors) -> str:
    """A paletted renderer of band 1: one entry per class (value, colour, name); other values are not
    drawn (nodata is transparent)."""
    entries = "".join(
        f'        <paletteEntry value="{int(i)}" color="#{r:02x}{g:02x}{b:02x}" alpha="{a}" '
        f'label="{_attr(n)}"/>\n'
        for i, n, c in zip(ids, names, colors, strict=True)
        for r, g, b, a in [parse_color(c)]
    )
    return (
        f'{_HEAD}<qgis version="{STYLE_VERSION}" styleCategories="Symbology">\n  <pipe>\n'
        '    <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">\n'
        "      <rasterTransparency/>\n      <colorPalette>\n"
        f"{entries}      </colorPalette>\n    </rasterrenderer>\n  </pipe>\n</qgis>\n"
    )


def polygon_qml(ids, names, colors, field: str = "class_id") -> str:
    """A categorised renderer on ``field``: one solid fill per class, labelled with its name."""
    categories = "".join(
        f'      <category value="{int(i)}" symbol="{k}" label="{_attr(n)}" render="true"/>\n'
        for k, (i, n) in enumerate(zip(ids, names, strict=True))
    )
    symbols = "".join(
        f'      <symbol type="fill" name="{k}" alpha="1" clip_to_extent="1" force_rhr="0">\n'
        '        <layer class="SimpleFill" enabled="1" pass="0" locked="0">\n          <Option type="Map">\n'
        f'            <Option name="color" type="QString" value="{r},{g},{b},{a}"/>\n'
        '            <Option name="outline_style" type="QString" value="no"/>\n'
        '            <Option name="style" type="QString" value="solid"/>\n'
        "          </Option>\n        </layer>\n      </symbol>\n"
        for k, color in enumerate(colors)
        for r, g, b, a in [parse_color(color)]
    )
    return (
        f'{_HEAD}<qgis version="{STYLE_VERSION}" styleCategories="Symbology">\n'
        f'  <renderer-v2 type="categorizedSymbol" attr="{_attr(field)}" forceraster="0" symbollevels="0" '
        'enableorderby="0">\n'
        f"    <categories>\n{categories}    </categories>\n    <symbols>\n{symbols}    </symbols>\n"
        "  </renderer-v2>\n</qgis>\n"
    )


def store_default_style(gpkg: Path, layer: str, geometry_column: str, qml: str, name: str) -> None:
    """Make ``qml`` the default style of ``layer`` in the GeoPackage ``gpkg`` (QGIS's ``layer_styles``
    table, registered as an attributes table so the file stays a valid GeoPackage)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with closing(sqlite3.connect(gpkg)) as conn, conn:  # closed, not only committed: Windows renames it next
        conn.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog "
            "TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), "
            "styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, "
            "owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"
        )
        conn.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', ?)",
            (now,),
        )
        conn.execute("UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?", (layer,))
        conn.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
            "VALUES ('', '', ?, ?, ?, ?, '', 1, 'iSAGE classes', '', '', ?)",
            (layer, geometry_column, name, qml, now),
        )
