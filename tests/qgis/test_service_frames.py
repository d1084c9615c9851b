"""Frames from the project's XYZ, WMTS and WMS layers, against the loopback imitation of online services
(``tests/imagery_server.py`` in the engine's Python): the engine arguments of real QGIS layers, the dialog
and its estimate, an XYZ frame clicked, trained and predicted through the panel as the same pixels from a
file, a failing service, a cancelled download, and credentials that are used and written nowhere."""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from osgeo import gdal
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication

from isage_qgis.layers import results as layers
from isage_qgis.layers import service_source as ss
from isage_qgis.log import setup_logging
from isage_qgis.panel import model as dm
from isage_qgis.panel.service_dialog import EXTENT, FEATURES, VISIBLE, ServiceFrameDialog
from isage_qgis.record.model import ClassInfo
from isage_qgis.record.view import read_record

from .conftest import result_of, run_engine_cli
from .dock_testutil import messages, spin

CRITICAL, SUCCESS, INFO = Qgis.MessageLevel.Critical, Qgis.MessageLevel.Success, Qgis.MessageLevel.Info
WEB = QgsCoordinateReferenceSystem("EPSG:3857")
RES = ss.tile_resolution(19)
CLASSES = [
    ClassInfo(0, "paved", "#3c3c3c"),
    ClassInfo(1, "vegetation", "#43a047"),
    ClassInfo(2, "roof", "#ff9800"),
]


@pytest.fixture
def server(imagery_server):
    """The loopback services (``imagery_server`` of tests/conftest.py: XYZ tiles, a WMTS and a WMS of a
    1024 x 768 px world at zoom 19 in EPSG:3857, ``faults`` to inject failures)."""
    return imagery_server


def xyz_template(server) -> str:
    return server.url + "/xyz/{z}/{x}/{y}.png"


def extent(server, col0: int, row0: int, col1: int, row1: int) -> tuple[float, float, float, float]:
    """Map extent (EPSG:3857) of world pixels ``[col0, col1) x [row0, row1)`` at zoom 19."""
    left, top = server.bounds[0], server.bounds[3]
    return left + col0 * RES, top - row1 * RES, left + col1 * RES, top - row0 * RES


def xyz_layer(server, name="ortho", extra="") -> QgsRasterLayer:
    uri = f"{extra}type=xyz&url={server.url}/xyz/{{z}}/{{x}}/{{y}}.png&zmax=19&zmin=0"
    layer = QgsRasterLayer(uri, name, "wms")
    assert layer.isValid(), layer.error().summary()
    return layer


def ogc_layer(server, wmts: bool, name: str) -> QgsRasterLayer:
    """A WMTS or WMS layer as QGIS's data source manager makes it."""
    uri = QgsDataSourceUri()
    for key, value in (("contextualWMSLegend", "0"), ("crs", "EPSG:3857"), ("dpiMode", "7"),
                       ("featureCount", "10"), ("format", "image/png"), ("layers", "ortho")):  # fmt: skip
        uri.setParam(key, value)
    uri.setParam("styles", "default" if wmts else "")
    if wmts:
        uri.setParam("tileMatrixSet", "GoogleMapsCompatible")
    uri.setParam("url", server.wmts_url if wmts else server.wms_url)
    layer = QgsRasterLayer(bytes(uri.encodedUri()).decode(), name, "wms")
    assert layer.isValid(), layer.error().summary()
    return layer


def split_extent(args: list[str]) -> tuple[list[str], list[float]]:
    """The arguments with the four ``--extent`` values taken out (they are compared approximately)."""
    at = args.index("--extent") + 1
    return args[:at] + args[at + 4 :], [float(v) for v in args[at : at + 4]]


def new_workspace(make_dock, folder: Path):
    """A dock on a fresh workspace (three classes, no frame) created through the panel."""
    dock = make_dock()
    assert dock.session.create_workspace(str(folder), CLASSES)
    spin(lambda: not dock.session.busy, 120)
    assert dock.session.state.is_open and dock.session.state.frame_names == []
    return dock


def record_rows(ws: Path, table: str) -> int:
    with closing(sqlite3.connect(ws / "clicks.gpkg")) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - a test's table


def show_at(canvas, box, units_per_pixel: float) -> None:
    """Centre the canvas on ``box`` (EPSG:3857) at ``units_per_pixel`` (whatever its size headless)."""
    size = canvas.mapSettings().outputSize()
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    half_w, half_h = size.width() * units_per_pixel / 2, size.height() * units_per_pixel / 2
    canvas.setExtent(QgsRectangle(x - half_w, y - half_h, x + half_w, y + half_h))
    assert canvas.mapUnitsPerPixel() == pytest.approx(units_per_pixel, rel=0.01)


def answer_modal(act) -> None:
    """Run ``act(dialog)`` on the modal dialog once it is open (``exec()`` blocks the test meanwhile)."""

    def attempt():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, attempt)
        else:
            act(dialog)

    QTimer.singleShot(0, attempt)


# ---- the layers' engine arguments ---------------------------------------------------------------------
def test_real_xyz_wmts_and_wms_layers_give_the_engine_arguments(server, qgis_new_project):
    box = extent(server, 256, 256, 768, 512)
    xyz = ss.service_of(xyz_layer(server))
    assert (xyz.kind, xyz.location, xyz.crs, xyz.levels[0][0], xyz.levels[-1][0]) == (
        "xyz", xyz_template(server), "EPSG:3857", 0, 19,
    )  # fmt: skip
    frame = ss.ServiceFrame("t", box, zoom=19)
    args, got = split_extent(ss.frame_args("/ws", xyz, frame))
    assert args == [
        "frames", "add", "/ws", xyz_template(server), "--kind", "xyz", "--zoom", "19",
        "--extent", "--extent-crs", "EPSG:3857", "--name", "t",
    ]  # fmt: skip
    assert got == pytest.approx(box, abs=1e-6)
    noisy = ss.ServiceFrame("t", (box[0] + RES / 1e4, box[1] - RES / 1e4, *box[2:]), zoom=19)
    assert ss.grid_extent(xyz, noisy) == pytest.approx(box, abs=1e-6)  # float noise stays on the grid
    assert ss.frame_size(xyz, frame) == (512, 256)
    assert ss.frame_size(xyz, ss.ServiceFrame("t", box, zoom=18)) == (256, 128)

    wmts = ss.service_of(ogc_layer(server, True, "tiles"))
    assert (wmts.kind, wmts.location, wmts.layer, wmts.image_format) == (
        "wmts", server.wmts_url, "ortho", "image/png",
    )  # fmt: skip
    assert len(wmts.levels) == 20 and wmts.resolution(19) == pytest.approx(RES)  # GDAL's index from the top
    args, got = split_extent(ss.frame_args("/ws", wmts, ss.ServiceFrame("w", box, zoom=19)))
    assert args == [
        "frames", "add", "/ws", server.wmts_url, "--kind", "wmts", "--zoom", "19",
        "--extent", "--extent-crs", "EPSG:3857", "--layer", "ortho", "--format", "image/png",
        "--tile-matrix-set", "GoogleMapsCompatible", "--style", "default", "--name", "w",
    ]  # fmt: skip
    assert got == pytest.approx(box, abs=1e-6)

    wms = ss.service_of(ogc_layer(server, False, "map"))
    assert (wms.kind, wms.location, wms.layer, wms.levels) == ("wms", server.wms_url, "ortho", ())
    args, got = split_extent(ss.frame_args("/ws", wms, ss.ServiceFrame("m", box, resolution=RES)))
    assert args == [
        "frames", "add", "/ws", server.wms_url, "--kind", "wms", "--resolution", repr(RES),
        "--crs", "EPSG:3857", "--extent", "--extent-crs", "EPSG:3857", "--layer", "ortho",
        "--format", "image/png", "--name", "m",
    ]  # fmt: skip
    assert got == pytest.approx(box, abs=1e-6)
    assert ss.frame_size(wms, ss.ServiceFrame("m", box, resolution=RES)) == (512, 256)
    assert ss.download_mb(512 * 256) == (0.0, 0.2) and ss.download_mb(10_000_000) == (3.0, 12.0)

    # a tile URL with a key travels in the engine's environment, never on its command line
    decode = QgsProviderRegistry.instance().decodeUri
    keyed = ss.read_service(
        decode("wms", f"type=xyz&url={xyz_template(server)}?api_key=K3Y&zmax=19"), "keyed"
    )
    args = ss.frame_args("/ws", keyed, frame)
    assert args[3] == "env:ISAGE_SOURCE_URL" and not any("K3Y" in a for a in args)
    assert ss.location_environment(keyed) == {"ISAGE_SOURCE_URL": xyz_template(server) + "?api_key=K3Y"}
    assert ss.location_environment(xyz) == {}

    # what the engine cannot fetch is refused in one line, naming the layer
    quadkey = decode("wms", "type=xyz&url=https://t.example/tiles/{q}.jpeg&zmax=19")
    with pytest.raises(ss.ServiceSourceError, match="bing: its tile URL has placeholders .*q"):
        ss.read_service(quadkey, "bing")
    with pytest.raises(ss.ServiceSourceError, match="flat: its URL is no tile URL with z, x and y"):
        ss.read_service(decode("wms", "type=xyz&url=https://t.example/tiles.png"), "flat")
    assert ss.service_kind(decode("wms", "type=mbtiles&url=file:///data/a.mbtiles")) is None
    with pytest.raises(ss.ServiceSourceError, match="local: not an online XYZ, WMTS or WMS layer"):
        ss.read_service(decode("wms", "type=mbtiles&url=file:///data/a.mbtiles"), "local")
    assert ss.wmts_capabilities_url("https://h/gwc/service/wmts") == (
        "https://h/gwc/service/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"
    )
    # the project's service layers are offered beside its raster files
    qgis_new_project.addMapLayers([xyz_layer(server, "ortho"), ogc_layer(server, False, "map")])
    assert [(name, kind) for name, _, kind in dm.service_candidates(qgis_new_project)] == [
        ("map", "wms"), ("ortho", "xyz"),
    ]  # fmt: skip


def test_credentials_of_a_layer_uri_become_gdal_environment_variables():
    decode = QgsProviderRegistry.instance().decodeUri
    plain = decode("wms", "type=xyz&url=https://t.example/{z}/{x}/{y}.png")
    assert ss.credentials_environment(plain, "https://t.example") == {}
    inline = decode(
        "wms", "type=xyz&url=https://t.example/{z}/{x}/{y}.png&username=ana&password=s3:c&http-header:referer="
        "https://me.example/&http-header:X-Api-Key=K123",
    )  # fmt: skip
    assert ss.credentials_environment(inline, "https://t.example") == {
        "GDAL_HTTP_USERPWD": "ana:s3:c",
        "GDAL_HTTP_AUTH": "BASIC",
        "GDAL_HTTP_HEADERS": "X-Api-Key: K123\r\nreferer: https://me.example/",
    }
    missing = decode("wms", "type=xyz&url=https://t.example/{z}/{x}/{y}.png&authcfg=nope123")
    with pytest.raises(ss.ServiceSourceError, match="authentication configuration nope123 cannot be read"):
        ss.credentials_environment(missing, "https://t.example", "private")

    def with_config(authcfg: str) -> dict:
        return decode("wms", f"authcfg={authcfg}&type=xyz&url=https://t.example/{{z}}/{{x}}/{{y}}.png")

    basic = auth_config("Basic", username="ana", password="pw")
    assert ss.credentials_environment(with_config(basic), "https://t.example") == {
        "GDAL_HTTP_USERPWD": "ana:pw",
        "GDAL_HTTP_AUTH": "BASIC",
    }
    header = auth_config("APIHeader", **{"X-Api-Key": "K-42"})  # QGIS applies it as an HTTP header
    assert ss.credentials_environment(with_config(header), "https://t.example") == {
        "GDAL_HTTP_HEADERS": "X-Api-Key: K-42"
    }
    certificate = auth_config("PKI-Paths", certpath="/no/cert.pem", keypath="/no/key.pem")
    with pytest.raises(ss.ServiceSourceError, match="private: its authentication method PKI-Paths cannot be"):
        ss.credentials_environment(with_config(certificate), "https://t.example", "private")


# ---- the dialog -----------------------------------------------------------------------------------------
def test_the_dialog_shows_the_pixels_and_download_and_gives_the_frames(
    server, qgis_iface, qgis_new_project, tmp_path
):
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(WEB)
    layer = xyz_layer(server)
    qgis_new_project.addMapLayer(layer)
    box = extent(server, 0, 0, 512, 512)
    show_at(canvas, box, 1.2 * RES)  # a screen pixel is about a pixel of zoom 19: the default level
    dialog = ServiceFrameDialog(ss.service_of(layer), canvas, qgis_new_project, taken=["ortho_z19"])
    try:
        assert dialog.area_combo.currentIndex() == VISIBLE and dialog.level_spin.value() == 19
        assert (dialog.level_spin.minimum(), dialog.level_spin.maximum()) == (0, 19)
        assert dialog.name_edit.text() == "ortho_z19_2"  # the record has an ortho_z19 already
        width, height = ss.frame_size(dialog.service, dialog.frames()[0])
        assert f"{width} × {height} px" in dialog.estimate_label.text() and "MB to download" in (
            dialog.estimate_label.text()
        )
        assert dialog.ok_button.isEnabled()
        dialog.area_combo.setCurrentIndex(EXTENT)  # typed (or drawn) in lon/lat: fetched in EPSG:3857
        dialog.extent_widget.setOutputExtentFromUser(QgsRectangle(*box), WEB)
        assert dialog.frames()[0].extent == pytest.approx(box)
        assert dialog.estimate_label.text() == "512 × 512 px (0.26 Mpx); about 0.1–0.3 MB to download"
        dialog.level_spin.setValue(18)  # updated as the level changes, the name with it
        assert dialog.estimate_label.text().startswith("256 × 256 px")
        assert dialog.name_edit.text() == "ortho_z18"
        assert "0.597 m a pixel" in dialog.pixel_label.text()
        dialog.level_spin.setValue(19)
        dialog.name_edit.setText("ortho_z19")
        assert "already" in dialog.estimate_label.text() and not dialog.ok_button.isEnabled()
        dialog.name_edit.setText("my frame")
        assert "letters, digits" in dialog.estimate_label.text() and not dialog.ok_button.isEnabled()
        dialog.name_edit.setText("ortho")
        dialog.extent_widget.setOutputExtentFromUser(QgsRectangle(-2e7, -2e7, 2e7, 2e7), WEB)
        assert "over the engine's limit of 400 Mpx" in dialog.estimate_label.text()
        assert not dialog.ok_button.isEnabled()

        # polygon features: one frame per feature, its bounding box (in the layer's CRS, here lon/lat)
        aoi = QgsVectorLayer("Polygon?crs=EPSG:4326", "fields", "memory")
        to_lonlat = QgsCoordinateTransform(WEB, QgsCoordinateReferenceSystem("EPSG:4326"), qgis_new_project)
        features = []
        for cols in ((0, 200), (300, 700)):
            part = QgsRectangle(*extent(server, cols[0], 100, cols[1], 300))
            feature = QgsFeature()
            feature.setGeometry(QgsGeometry.fromRect(to_lonlat.transformBoundingBox(part)))
            features.append(feature)
        aoi.dataProvider().addFeatures(features)
        qgis_new_project.addMapLayer(aoi)
        dialog.area_combo.setCurrentIndex(FEATURES)
        dialog.polygon_combo.setLayer(aoi)
        frames = dialog.frames()
        assert [f.name for f in frames] == ["ortho_1", "ortho_2"] and all(f.zoom == 19 for f in frames)
        assert [ss.frame_size(dialog.service, f) for f in frames] == [(200, 200), (400, 200)]
        assert dialog.estimate_label.text().startswith("2 frames, 0.12 Mpx in all; about 0.0–0.1 MB")
        aoi.selectByIds([2])  # the memory provider numbers features from 1
        dialog.selected_check.setChecked(True)
        assert [f.name for f in dialog.frames()] == ["ortho_2"]
        dialog.area_combo.setCurrentIndex(EXTENT)
        dialog.extent_widget.setOutputExtentFromUser(QgsRectangle(*box), WEB)
        dialog.resize(620, dialog.sizeHint().height())
        dialog.show()
        spin(lambda: dialog.isVisible(), 5)
        folder = Path(os.environ.get("ISAGE_SCREENSHOT_DIR") or tmp_path)  # make screenshot-service-frames
        assert dialog.grab().save(str(folder / "screenshot_service_frames.png"))
    finally:
        dialog.close()


def test_wmts_and_wms_dialogs_fetch_the_services_pixels(
    server, make_dock, qgis_iface, qgis_new_project, tmp_path
):
    dock = new_workspace(make_dock, tmp_path / "ws")
    box = extent(server, 256, 256, 768, 512)
    canvas = dock.canvas
    canvas.setDestinationCrs(WEB)
    show_at(canvas, box, RES)
    for wmts, name in ((True, "tiles"), (False, "map")):
        layer = ogc_layer(server, wmts, name)
        qgis_new_project.addMapLayer(layer)
        dialog = dock.service_frames_dialog(layer.id())
        dialog.area_combo.setCurrentIndex(EXTENT)
        dialog.extent_widget.setOutputExtentFromUser(QgsRectangle(*box), WEB)
        if wmts:
            dialog.level_spin.setValue(19)
        else:
            assert dialog.level_spin.value() == pytest.approx(RES, rel=0.3)  # the canvas's, 3 digits
            dialog.level_spin.setValue(RES)
            assert dialog.level_spin.value() == pytest.approx(round(RES, 3))
        dialog.name_edit.setText(name)
        frame = dialog.frames()[0]
        expected = ["--zoom", "19"] if wmts else ["--resolution", repr(round(RES, 3)), "--crs", "EPSG:3857"]
        assert ss.frame_args(dock.session.workspace, dialog.service, frame)[4 : 8 if wmts else 10] == [
            "--kind", "wmts" if wmts else "wms", *expected,
        ]  # fmt: skip
        dialog.ok_button.click()
        spin(lambda: not dock.session.busy, 120)
        assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    snapshot = read_record(tmp_path / "ws" / "clicks.gpkg")
    assert [f.name for f in snapshot.frames] == ["tiles", "map"]
    tiles = gdal.Open(snapshot.frame("tiles").path)
    assert (tiles.RasterXSize, tiles.RasterYSize) == (512, 256)
    world = gdal.Open(str(server.world_path))
    want = world.ReadRaster(256, 256, 512, 256, band_list=[1, 2, 3])
    assert tiles.ReadRaster(band_list=[1, 2, 3]) == want  # the service's exact pixels
    wms = gdal.Open(snapshot.frame("map").path)  # 0.299 m: a grid of its own, close to the tiles'
    assert wms.RasterCount == 3 and abs(wms.RasterXSize - 512) <= 2
    assert {lyr.name() for lyr in layers.layers_of(qgis_new_project, "frame")} == {"tiles", "map"}
    top = [node.layer() for node in qgis_new_project.layerTreeRoot().children()[:2]]
    assert [(lyr.name(), lyr.customProperty(layers.PROP_ROLE)) for lyr in top[1:]] == [("map", "frame")]
    assert top[0].customProperty(layers.PROP_ROLE) == "clicks"  # the newest frame under the clicks
    assert any("downloaded into the workspace" in m for m in messages(qgis_iface, SUCCESS))


# ---- through the panel, end to end ---------------------------------------------------------------------
def click(dock, x: float, y: float, row: int) -> None:
    """Choose class row ``row`` and click map point (x, y) (EPSG:3857) with the panel's click tool."""
    dock.select_class_row(row)
    canvas = dock.canvas
    show_at(canvas, (x, y, x, y), RES / 8)  # zoomed in on the pixel: a screen pixel is an eighth of it
    p = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    pos = QPoint(round(p.x()), round(p.y()))
    left = Qt.MouseButton.LeftButton
    for kind, method in ((QEvent.Type.MouseButtonPress, dock.tool.canvasPressEvent),
                         (QEvent.Type.MouseButtonRelease, dock.tool.canvasReleaseEvent)):  # fmt: skip
        method(QgsMapMouseEvent(canvas, kind, pos, left, left, Qt.KeyboardModifier.NoModifier))


def test_an_xyz_frame_and_a_remote_cog_click_train_and_predict_as_the_same_pixels_from_a_file(
    server, make_dock, qgis_iface, qgis_new_project, tmp_path
):
    ws = tmp_path / "ws"
    dock = new_workspace(make_dock, ws)
    qgis_new_project.addMapLayer(xyz_layer(server))
    box = extent(server, 0, 0, 512, 512)
    dock.canvas.setDestinationCrs(WEB)
    show_at(dock.canvas, box, 2 * RES)

    def pick_the_service(picker):
        assert picker.services_list.count() == 1 and picker.frames_list.count() == 0
        picker.services_list.item(0).setCheckState(Qt.CheckState.Checked)
        picker.accept()

    answer_modal(pick_the_service)
    dock.ui.frames_button.click()  # Add frames…: the picker, then the service layer's dialog
    dialog = dock.service_dialog
    assert dialog is not None and dialog.isVisible() and dialog.service.kind == "xyz"
    dialog.area_combo.setCurrentIndex(EXTENT)
    dialog.extent_widget.setOutputExtentFromUser(QgsRectangle(*box), WEB)
    dialog.level_spin.setValue(19)
    dialog.name_edit.setText("ortho")
    assert dialog.estimate_label.text() == "512 × 512 px (0.26 Mpx); about 0.1–0.3 MB to download"
    dialog.ok_button.click()
    assert dock.session.busy
    spin(lambda: not dock.session.busy, 180)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert dock.session.state.frame_names == ["ortho"] and dock.service_dialog is None
    frame_layer = qgis_new_project.mapLayersByName("ortho")
    frame_layer = [lyr for lyr in frame_layer if lyr.providerType() == "gdal"]
    assert frame_layer and Path(frame_layer[0].source()).resolve() == (ws / "frames" / "ortho.tif").resolve()
    assert frame_layer[0].customProperty(layers.PROP_ROLE) == "frame"

    # and a remote COG (the world's lower strip, beside the tiles' frame), read where it lies
    cog = server.files_dir / "scene.tif"
    gdal.Translate(str(cog), str(server.world_path), format="COG", srcWin=[0, 512, 512, 256])
    url = server.file_url("scene.tif")
    qgis_new_project.addMapLayer(QgsRasterLayer("/vsicurl/" + url, "scene", "gdal"))

    def pick_the_cog(picker):
        items = [picker.frames_list.item(i) for i in range(picker.frames_list.count())]
        for item in items:
            is_cog = item.data(Qt.ItemDataRole.UserRole) == url
            item.setCheckState(Qt.CheckState.Checked if is_cog else Qt.CheckState.Unchecked)
        assert any(item.data(Qt.ItemDataRole.UserRole) == url for item in items)
        for i in range(picker.services_list.count()):
            picker.services_list.item(i).setCheckState(Qt.CheckState.Unchecked)
        picker.accept()

    answer_modal(pick_the_cog)
    dock.ui.frames_button.click()
    spin(lambda: not dock.session.busy, 120)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert dock.session.state.frame_names == ["ortho", "scene"]
    assert (ws / "frames" / "scene.vrt").is_file()  # remote: a VRT over the URL, no copy

    # one click per class on each frame
    dock.click_action.setChecked(True)
    dock.toggle_tool(True)
    for row, (r, c) in enumerate(((40, 40), (200, 90), (120, 400))):
        click(dock, box[0] + (c + 0.5) * RES, box[3] - (r + 0.5) * RES, row)
    for row, (r, c) in enumerate(((30, 60), (150, 300), (220, 450))):  # the COG starts 512 rows lower
        click(dock, box[0] + (c + 0.5) * RES, box[3] - (512 + r + 0.5) * RES, row)
    clicks = read_record(ws / "clicks.gpkg").clicks
    assert sorted((c.frame, c.row, c.col, c.class_id) for c in clicks) == [
        ("ortho", 40, 40, 0), ("ortho", 120, 400, 2), ("ortho", 200, 90, 1),
        ("scene", 30, 60, 0), ("scene", 150, 300, 1), ("scene", 220, 450, 2),
    ]  # fmt: skip

    dock.ui.train_button.click()
    spin(lambda: not dock.session.busy, 300)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    predicted = ws / "outputs" / "iteration_000" / "ortho_classes.tif"  # a fresh workspace's first model
    assert qgis_new_project.mapLayersByName("ortho classes") or qgis_new_project.mapLayersByName(
        "iteration 0 classes"
    )
    local = tmp_path / "local.tif"  # the same pixels and georeference as a file of the user's
    gdal.Translate(str(local), str(ws / "frames" / "ortho.tif"), format="GTiff")
    model = sorted((ws / "models").glob("*.safetensors"))[-1]
    out = result_of(run_engine_cli("predict", "--raster", str(local), "--model", str(model), "--out",
                                   str(tmp_path / "out")))  # fmt: skip
    a, b = gdal.Open(str(predicted)), gdal.Open(out["outputs"]["classes"])
    assert a.GetGeoTransform() == pytest.approx(b.GetGeoTransform())
    assert (a.RasterXSize, a.RasterYSize) == (512, 512)
    assert a.ReadRaster() == b.ReadRaster()
    assert len(set(a.ReadRaster())) > 1  # a real map, not one class
    remote = gdal.Open(str(ws / "outputs" / "iteration_000" / "scene_classes.tif"))
    assert (remote.RasterXSize, remote.RasterYSize) == (512, 256) and len(set(remote.ReadRaster())) > 1


# ---- failures, cancel and credentials ---------------------------------------------------------------------
@pytest.mark.parametrize("fault, expected", [("tile_status", "HTTP 404"), ("html_error", "not an image")])
def test_a_failing_service_is_one_line_in_the_panel_and_leaves_the_record_unchanged(
    server, make_dock, qgis_iface, qgis_new_project, tmp_path, fault, expected
):
    ws = tmp_path / "ws"
    dock = new_workspace(make_dock, ws)
    layer = xyz_layer(server)
    qgis_new_project.addMapLayer(layer)
    if fault == "tile_status":
        server.faults.tile_status = {server.tiles[1]: 404}
    else:
        server.faults.html_error = True
    frame = ss.ServiceFrame("ortho", extent(server, 0, 0, 600, 300), zoom=19)
    assert dock.session.add_service_frames(layer.id(), [frame])
    spin(lambda: not dock.session.busy, 120)
    errors = messages(qgis_iface, CRITICAL)
    assert len(errors) == 1 and expected in errors[0] and "\n" not in errors[0], errors
    assert server.url in errors[0]  # the engine's line names the source
    assert errors[0].endswith(dock.ui.status_label.text())  # the bar has the title before it
    assert read_record(ws / "clicks.gpkg").frames == []
    assert record_rows(ws, "frames") == 0 and record_rows(ws, "frame_sources") == 0
    assert not [p for p in (ws / "frames").glob("*")] if (ws / "frames").exists() else True
    assert not layers.layers_of(qgis_new_project, "frame") and dock.ui.frames_button.isEnabled()


def test_cancel_during_a_slow_download_leaves_no_frame(
    server, make_dock, qgis_iface, qgis_new_project, tmp_path
):
    ws = tmp_path / "ws"
    dock = new_workspace(make_dock, ws)
    layer = xyz_layer(server)
    qgis_new_project.addMapLayer(layer)
    server.faults.delay_s = 1.5  # 12 tiles, 4 at a time: 4.5 s at least
    progress = []
    dock.session.progress.connect(lambda fraction, text: progress.append(text))
    frame = ss.ServiceFrame("ortho", server.bounds, zoom=19)
    assert dock.session.add_service_frames(layer.id(), [frame])
    spin(lambda: any("px to fetch" in t for t in progress), 60)  # the download has begun
    started = time.monotonic()
    dock.ui.cancel_button.click()
    spin(lambda: not dock.session.busy, 60)
    assert time.monotonic() - started < 30
    assert any("cancelled" in m for m in messages(qgis_iface, INFO)) and not messages(qgis_iface, CRITICAL)
    assert read_record(ws / "clicks.gpkg").frames == [] and record_rows(ws, "frame_sources") == 0
    assert not list((ws / "frames").glob("*.tif")) and not list((ws / "frames").glob(".*"))
    assert not layers.layers_of(qgis_new_project, "frame")


def auth_config(method: str, **values: str) -> str:
    """An authentication configuration of ``method`` in QGIS's store (the test profile's), its id."""
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("isage-tests", True)
    config = QgsAuthMethodConfig(method)
    config.setName(f"isage imagery {method}")
    for key, value in values.items():
        config.setConfig(key, value)
    stored = manager.storeAuthenticationConfig(config)
    assert (stored[0] if isinstance(stored, tuple) else stored) and config.id()
    return config.id()


def test_the_layers_credentials_fetch_the_imagery_and_are_written_nowhere(
    server, make_dock, qgis_iface, qgis_new_project, tmp_path, caplog
):
    user, password = "ana", "Pw-7f3c-s3cret"
    secrets = [password, base64.b64encode(f"{user}:{password}".encode()).decode()]
    authcfg = auth_config("Basic", username=user, password=password)
    logged: list[str] = []
    setup_logging(logging.DEBUG)  # everything the plugin logs, engine output included, reaches the log panel
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(text))
    ws = tmp_path / "ws"
    dock = new_workspace(make_dock, ws)
    private = xyz_layer(server, "private", extra=f"authcfg={authcfg}&")
    anonymous = xyz_layer(server, "anonymous")
    qgis_new_project.addMapLayers([private, anonymous])
    server.faults.auth = (user, password)  # 401 without them
    box = extent(server, 0, 0, 300, 300)

    assert dock.session.add_service_frames(anonymous.id(), [ss.ServiceFrame("anon", box, zoom=19)])
    spin(lambda: not dock.session.busy, 120)
    errors = messages(qgis_iface, CRITICAL)
    assert errors and "asks for credentials" in errors[-1], errors
    assert dock.session.state.frame_names == []

    with caplog.at_level(logging.DEBUG, logger="isage_qgis"):
        assert dock.session.add_service_frames(private.id(), [ss.ServiceFrame("private", box, zoom=19)])
        pipeline = dock.session.pipeline
        spin(lambda: not dock.session.busy, 120)
    assert len(messages(qgis_iface, CRITICAL)) == 1, messages(qgis_iface, CRITICAL)
    assert dock.session.state.frame_names == ["private"]
    answered = [r.status for r in server.log if r.path.startswith("/xyz/")]
    assert 200 in answered and 401 in answered  # refused without the credentials, served with them
    # it ran in an engine process of its own (its command line logged), the anonymous one on the resident
    # engine (started without the credentials, its requests not logged as command lines)
    commands = [m for m in logged if m.startswith("engine: ") and " frames add " in m]
    assert len(commands) == 1 and commands[0].endswith("--name private")
    assert "GDAL_HTTP" not in repr(pipeline.steps) and all(s.env for s in pipeline.steps[-1:])

    seen = "\n".join([*logged, caplog.text, *messages(qgis_iface, SUCCESS), *messages(qgis_iface, INFO),
                      *messages(qgis_iface, CRITICAL), dock.ui.status_label.text(), *commands])  # fmt: skip
    written = b"".join(
        p.read_bytes() for p in ws.rglob("*") if p.is_file() and "cache" not in p.relative_to(ws).parts
    )
    for secret in secrets:
        assert secret not in seen and secret.encode() not in written
    assert private.source().count(authcfg) == 1  # the layer keeps its configuration id, not the secret
    assert os.environ.get("GDAL_HTTP_USERPWD") is None  # nor does QGIS's own environment get it
