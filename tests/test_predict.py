"""Sliding-window prediction: tiling arithmetic, georeferencing, outputs, heatmaps, failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from rasterio.transform import from_origin
from rasterio.windows import Window

from isage_core.benchmark.sample_data import sample_root
from isage_core.cancel import CancelToken
from isage_core.errors import Cancelled, IsageError
from isage_core.inference.predict import pixel_tiles, predict_at_pixels, predict_frame, predict_probabilities
from isage_core.inference.rasterout import HEATMAP_STEP, ClassTable, category_xml, overview_factors
from isage_core.inference.tiling import (
    grid_starts,
    padded_read,
    strip_tiles,
    tile_starts,
    tile_weights,
    unit_span,
)
from isage_core.model.network import build_network
from isage_core.settings import ModelMeta, PredictSettings

pytestmark = pytest.mark.usefixtures("one_torch_thread")
DATA = sample_root()
NAMES = ["1.png", "1000.png", "101.png", "102.png"]
CRS = "EPSG:31983"
TRANSFORM = from_origin(190000.0, 8250000.0, 0.5, 0.5)
CPU = torch.device("cpu")
COLORS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00"]
CLASS_NAMES = ["forest", "water", "road", "building", "grass"]


def make_meta(**changes) -> ModelMeta:
    fields = dict(
        architecture="unet",
        encoder="tu-mobilenetv3_small_100",
        in_channels=3,
        class_ids=[0, 1, 2, 3, 4],
        class_names=CLASS_NAMES,
        class_colors=COLORS,
        bands=[1, 2, 3],
        mean=[120.0] * 3,
        std=[50.0] * 3,
        decoder_channels=[64, 32, 16, 16, 8],
    )
    fields.update(changes)
    return ModelMeta(**fields)


def xy(col: float, row: float) -> tuple[float, float]:
    """Map coordinates of the corner (col, row) of the test frames' pixel grid."""
    return TRANSFORM.c + col * TRANSFORM.a, TRANSFORM.f + row * TRANSFORM.e


def pointwise_model(seed: int = 0) -> torch.nn.Module:
    """A 1x1 convolution: its output at a pixel depends on that pixel only, so tiling must not change it."""
    torch.manual_seed(seed)
    conv = torch.nn.Conv2d(3, 5, kernel_size=1)
    with torch.no_grad():
        conv.weight.mul_(4.0)
    return conv.eval()


def whole_image(network, image: np.ndarray, meta: ModelMeta) -> np.ndarray:
    x = (image.astype(np.float32) - np.float32(meta.mean[0])) / np.float32(meta.std[0])
    with torch.inference_mode():
        return torch.softmax(network(torch.from_numpy(x)[None]), dim=1)[0].numpy()


@pytest.fixture(scope="module")
def unet():
    torch.manual_seed(0)
    return build_network(make_meta()).eval()


def write_frame(path: Path, image: np.ndarray, nodata=None, transform=TRANSFORM) -> Path:
    bands, height, width = image.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=width,
        height=height,
        count=bands,
        dtype=image.dtype,
        crs=CRS,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(image)
    return path


def write_classes(path: Path, classes: np.ndarray, transform=TRANSFORM, nodata=255) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=classes.shape[1],
        height=classes.shape[0],
        count=1,
        dtype="uint8",
        crs=CRS,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(classes.astype(np.uint8), 1)
    return path


def read(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(1)


# --- tiling arithmetic -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "height,width,tile,overlap", [(300, 500, 128, 32), (90, 700, 128, 16), (40, 60, 64, 8)]
)
def test_a_row_of_tiles_read_at_once_equals_each_tile_read_alone(height, width, tile, overlap):
    image = np.random.default_rng(0).random((2, height, width), dtype=np.float32)
    reads = []

    def read(win):
        reads.append(win)
        rows, cols = win.toslices()
        return image[:, rows, cols].copy()

    cols = grid_starts(width, tile, overlap)
    for row in grid_starts(height, tile, overlap):
        reads.clear()
        together = strip_tiles(read, height, width, row, cols, tile)
        assert len(reads) == 1  # the row's tiles share one read
        for col, got in zip(cols, together, strict=True):
            alone = padded_read(read, height, width, row, row + tile, col, col + tile)
            np.testing.assert_array_equal(got, alone)


def test_only_pixels_one_tile_covers_have_weight_one():
    from isage_core.inference.tiling import TileRunner

    runner = TileRunner(pointwise_model(), make_meta(), PredictSettings(tile_size=64, overlap=16), CPU, None)
    for length in (64, 100, 300):
        starts = grid_starts(length, 64, 16)
        cover = np.zeros(length, int)
        for start in starts:
            cover[max(start, 0) : start + 64] += 1
        for start in starts:
            weights = runner.weights(start, length)
            low, high = unit_span(weights)
            inside = np.arange(start, start + 64)
            alone = (inside >= 0) & (inside < length) & (cover[np.clip(inside, 0, length - 1)] == 1)
            assert high > low and np.array_equal(np.flatnonzero(alone), np.arange(low, high)), (length, start)


def test_tile_layout_covers_everything():
    assert tile_starts(100, 64, 40) == [0, 36]
    assert tile_starts(64, 64, 40) == [0]
    assert tile_starts(300, 64, 40)[-1] == 236
    weights = tile_weights(64, 16)
    assert weights.min() > 0 and weights[32, 32] == 1.0 and weights[0, 0] < 0.01
    assert np.allclose(weights, weights.T) and np.allclose(weights, weights[::-1, ::-1])


@pytest.mark.parametrize("shape", [(3, 301, 517), (3, 20, 30), (3, 64, 150)])
def test_pointwise_tiled_equals_whole_image_exactly(shape):
    """Blending, halos, reflection and block stitching are exact for a model without spatial context."""
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=shape).astype(np.uint8)
    meta, network = make_meta(), pointwise_model()
    settings = PredictSettings(tile_size=64, overlap=24, block_size=100, batch_size=3)
    tiled = predict_probabilities(network, meta, image, settings, CPU)
    expected = whole_image(network, image, meta)
    assert tiled.shape == expected.shape == (5, *shape[1:])
    np.testing.assert_allclose(tiled, expected, atol=1e-5, rtol=0)
    np.testing.assert_allclose(tiled.sum(axis=0), 1.0, atol=1e-5)


def test_unet_tiled_matches_whole_image_away_from_the_edge(mosaic, unet):
    """Tiles of 256 with overlap 128 over a 512x512 real mosaic, against one whole-image pass.

    Measured with this seed: outside a 32 px border, max |dp| 0.028, mean 0.0013, argmax agreement 98.1%
    overall and 99.98% where the whole-image top-2 margin exceeds 0.01 (random weights leave many near-ties:
    mean confidence 0.26). Without overlap the max difference is 0.32, so these bounds catch broken blending.
    """
    meta = make_meta()
    settings = PredictSettings(tile_size=256, overlap=128, block_size=512, batch_size=4)
    tiled = predict_probabilities(unet, meta, mosaic, settings, CPU)
    whole = whole_image(unet, mosaic, meta)
    inner = (slice(None), slice(32, -32), slice(32, -32))
    diff = np.abs(tiled - whole)[inner]
    agree = (tiled.argmax(0) == whole.argmax(0))[inner[1:]]
    top2 = np.sort(whole, axis=0)[-2:][inner]
    decisive = (top2[1] - top2[0]) > 0.01
    assert diff.max() < 0.04 and diff.mean() < 0.002
    assert agree.mean() >= 0.97
    assert decisive.mean() > 0.5 and agree[decisive].mean() >= 0.995


# --- frame outputs -----------------------------------------------------------------------------------


def test_outputs_keep_georeferencing_colours_names_and_overviews(tmp_path, mosaic):
    frame = write_frame(tmp_path / "frame.tif", mosaic)
    meta, network = make_meta(), pointwise_model()
    settings = PredictSettings(tile_size=128, overlap=32, block_size=300)
    out = predict_frame(frame, network, meta, tmp_path, "f", settings, device=CPU)
    assert set(out) == {"classes", "confidence"}
    expected = predict_probabilities(network, meta, mosaic, settings, CPU)
    with rasterio.open(out["classes"]) as cls, rasterio.open(out["confidence"]) as conf:
        for ds in (cls, conf):
            assert ds.crs == rasterio.crs.CRS.from_string(CRS)
            assert ds.transform == TRANSFORM and (ds.width, ds.height) == (512, 512)
            assert ds.block_shapes[0] == (512, 512)
            assert ds.overviews(1) == [2]
        assert cls.dtypes[0] == "uint8" and cls.nodata == 255 and cls.compression.name == "deflate"
        assert conf.dtypes[0] == "float32" and conf.nodata == -1 and conf.compression.name == "lerc"
        np.testing.assert_array_equal(cls.read(1), expected.argmax(0))
        # a heatmap is stored to the nearest multiple of HEATMAP_STEP, and nothing further is lost
        stored = conf.read(1)
        assert np.abs(stored - expected.max(0)).max() <= HEATMAP_STEP / 2
        assert np.array_equal(np.round(stored / HEATMAP_STEP) * HEATMAP_STEP, stored)
        colormap = cls.colormap(1)
        assert colormap[1] == (0x37, 0x7E, 0xB8, 255) and colormap[255][3] == 0
        tags = cls.tags()
        assert json.loads(tags["CLASS_NAMES"]) == CLASS_NAMES and json.loads(tags["CLASS_IDS"]) == [
            0,
            1,
            2,
            3,
            4,
        ]
        assert json.loads(tags["CLASS_COLORS"]) == COLORS
        assert cls.tags(ns="rio_overview")["resampling"] == "nearest"
        assert conf.tags(ns="rio_overview")["resampling"] == "average"
    assert not list(tmp_path.glob(".*partial*"))
    qml = out["classes"].with_suffix(".qml").read_text()  # the style QGIS loads with the raster
    assert qml.count("<paletteEntry") == 5 and all(f'label="{n}"' in qml for n in CLASS_NAMES)
    if shutil.which("gdalinfo"):
        info = subprocess.run(
            ["gdalinfo", str(out["classes"])], capture_output=True, text=True, check=True
        ).stdout
        assert "Categories:" in info and all(name in info for name in CLASS_NAMES)
        assert "Color Table" in info and "Overviews: 256x256" in info


def test_overview_factors():
    assert overview_factors(300, 300) == []
    assert overview_factors(512, 2000) == [2]
    assert overview_factors(20000, 20000) == [2, 4, 8, 16, 32, 64]


def test_frame_smaller_than_a_tile(tmp_path, mosaic):
    image = mosaic[:, :20, :30]
    frame = write_frame(tmp_path / "small.tif", image)
    meta, network = make_meta(), pointwise_model()
    out = predict_frame(
        frame, network, meta, tmp_path, "s", PredictSettings(tile_size=64, overlap=16), device=CPU
    )
    with rasterio.open(out["classes"]) as ds:
        assert (ds.width, ds.height) == (30, 20) and ds.transform == TRANSFORM and ds.overviews(1) == []
        np.testing.assert_array_equal(ds.read(1), whole_image(network, image, meta).argmax(0))


def test_nodata_stays_nodata(tmp_path, mosaic):
    image = np.maximum(mosaic[:, :200, :300], 1)
    image[:, 50:80, 100:180] = 0
    image[0, 150:160, 10:20] = 0  # GDAL's per-band nodata: a pixel missing in one band is missing
    frame = write_frame(tmp_path / "frame.tif", image, nodata=0)
    previous = write_classes(tmp_path / "prev.tif", np.ones((200, 300)))
    reference = write_classes(tmp_path / "ref.tif", np.full((200, 300), 2))
    settings = PredictSettings(tile_size=64, overlap=16, block_size=128)
    out = predict_frame(
        frame,
        pointwise_model(),
        make_meta(),
        tmp_path,
        "f",
        settings,
        device=CPU,
        previous_classes=previous,
        reference=reference,
    )
    hole = np.zeros((200, 300), dtype=bool)
    hole[50:80, 100:180] = hole[150:160, 10:20] = True
    assert set(out) == {"classes", "confidence", "change", "error"}
    classes = read(out["classes"])
    assert np.all(classes[hole] == 255) and np.all(classes[~hole] < 5)
    for key in ("confidence", "change", "error"):
        values = read(out[key])
        assert np.all(values[hole] == -1) and np.all(values[~hole] >= 0), key


def test_change_and_error_heatmaps_on_a_hand_made_case(tmp_path):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(3, 40, 60)).astype(np.uint8)
    frame = write_frame(tmp_path / "frame.tif", image)
    meta, network = make_meta(), pointwise_model()
    probs = whole_image(network, image, meta)
    predicted, confidence = probs.argmax(0), probs.max(0)
    previous = predicted.copy()
    previous[:, :20] = (predicted[:, :20] + 1) % 5  # changed on the left third
    previous[:10, 40:] = 255  # no previous prediction there
    reference = predicted.copy()
    reference[30:, :] = (predicted[30:, :] + 2) % 5  # wrong at the bottom
    reference[:5, :5] = 255  # unlabelled
    write_classes(tmp_path / "prev.tif", previous)
    write_classes(tmp_path / "ref.tif", reference)
    settings = PredictSettings(tile_size=32, overlap=8, block_size=25)
    out = predict_frame(
        frame,
        network,
        meta,
        tmp_path,
        "f",
        settings,
        device=CPU,
        previous_classes=tmp_path / "prev.tif",
        reference=tmp_path / "ref.tif",
    )
    change, error = read(out["change"]), read(out["error"])
    np.testing.assert_allclose(change[:, :20], confidence[:, :20], atol=HEATMAP_STEP / 2)
    assert np.all(change[:, 20:40] == 0) and np.all(change[10:, 40:] == 0)
    assert np.all(change[:10, 40:] == -1)
    np.testing.assert_allclose(error[30:, :], confidence[30:, :], atol=HEATMAP_STEP / 2)
    assert np.all(error[5:30, :] == 0) and np.all(error[:5, 5:] == 0) and np.all(error[:5, :5] == -1)


def test_extent_and_aoi_limit_the_outputs_on_the_frame_grid(tmp_path, mosaic):
    import geopandas as gpd
    from shapely.geometry import Polygon, box

    image = mosaic[:, :300, :300]
    frame = write_frame(tmp_path / "frame.tif", image)
    meta, network = make_meta(), pointwise_model()
    full = whole_image(network, image, meta).argmax(0)
    previous = write_classes(tmp_path / "prev.tif", full)  # the whole frame: change must be 0 everywhere
    x0, y0 = xy(100, 200)  # col 100, row 200 (lower left)
    x1, y1 = xy(150, 120)
    settings = PredictSettings(
        tile_size=64, overlap=16, block_size=64, extent=(x0 + 0.1, y0 + 0.1, x1 - 0.1, y1 - 0.1)
    )
    out = predict_frame(frame, network, meta, tmp_path, "e", settings, device=CPU, previous_classes=previous)
    with rasterio.open(out["classes"]) as ds:
        assert (ds.width, ds.height) == (50, 80) and ds.crs == rasterio.crs.CRS.from_string(CRS)
        assert ds.transform == rasterio.windows.transform(Window(100, 120, 50, 80), TRANSFORM)
        assert ds.xy(0, 0) == rasterio.transform.xy(TRANSFORM, 120, 100)
        np.testing.assert_array_equal(ds.read(1), full[120:200, 100:150])
    assert np.all(read(out["change"]) == 0)

    # an AOI in another CRS: a right triangle on the frame plus a polygon far outside it
    triangle = Polygon([xy(20, 90), xy(70, 90), xy(20, 40)])
    aoi = gpd.GeoDataFrame(geometry=[triangle, box(0, 0, 1, 1)], crs=CRS).to_crs("EPSG:4326")
    aoi.to_file(tmp_path / "aoi.gpkg", driver="GPKG")
    settings = PredictSettings(
        tile_size=64, overlap=16, aoi=str(tmp_path / "aoi.gpkg"), heatmaps=("confidence",)
    )
    out = predict_frame(frame, network, meta, tmp_path, "a", settings, device=CPU)
    with rasterio.open(out["classes"]) as ds:
        assert ds.transform == rasterio.windows.transform(Window(20, 40, 50, 50), TRANSFORM)
        assert (ds.width, ds.height) == (50, 50)
        values = ds.read(1)
    rows, cols = np.mgrid[40:90, 20:70]
    below, above = (cols - 20) < (rows - 40), (cols - 20) > (rows - 40)  # pixel centres off the hypotenuse
    np.testing.assert_array_equal(values[below], full[40:90, 20:70][below])
    assert np.all(values[above] == 255)
    assert np.all(read(out["confidence"])[above] == -1)

    far = PredictSettings(tile_size=64, overlap=16, extent=(0.0, 0.0, 10.0, 10.0))
    with pytest.raises(IsageError, match="does not overlap"):
        predict_frame(frame, network, meta, tmp_path, "x", far, device=CPU)


# --- failures ----------------------------------------------------------------------------------------


def test_cancel_leaves_no_output_and_keeps_the_old_one(tmp_path, mosaic):
    frame = write_frame(tmp_path / "frame.tif", mosaic)
    old = tmp_path / "f_classes.tif"
    old.write_bytes(b"previous output")
    token = CancelToken()
    calls = []

    def progress(fraction, message):
        calls.append(fraction)
        token.cancel("test")

    settings = PredictSettings(tile_size=64, overlap=16, block_size=128)
    with pytest.raises(Cancelled):
        predict_frame(
            frame,
            pointwise_model(),
            make_meta(),
            tmp_path,
            "f",
            settings,
            device=CPU,
            progress=progress,
            cancel=token,
        )
    assert len(calls) == 1
    assert old.read_bytes() == b"previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f_classes.tif", "frame.tif"]


def test_disk_full_is_a_one_line_error_without_partial_files(tmp_path, mosaic):
    rng = np.random.default_rng(0)
    frame = write_frame(tmp_path / "frame.tif", rng.integers(0, 256, size=(3, 512, 512)).astype(np.uint8))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    script = textwrap.dedent(f"""
        import resource, sys, torch
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_predict import make_meta, pointwise_model
        from isage_core.errors import IsageError
        from isage_core.inference.predict import predict_frame
        from isage_core.settings import PredictSettings
        network, meta = pointwise_model(), make_meta()
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))
        try:
            predict_frame({str(frame)!r}, network, meta, Path({str(out_dir)!r}), "f",
                          PredictSettings(tile_size=128, overlap=32), device=torch.device("cpu"))
        except IsageError as exc:
            sys.stderr.write("ISAGE " + str(exc))
            sys.exit(3)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr[-2000:]
    message = result.stderr.split("ISAGE ", 1)[1]
    assert "disk space" in message and str(out_dir) in message and "\n" not in message
    assert list(out_dir.iterdir()) == []


def test_band_mismatch_missing_frame_and_wrong_reference(tmp_path, mosaic):
    one_band = write_frame(tmp_path / "gray.tif", mosaic[:1, :64, :64])
    settings = PredictSettings(tile_size=64, overlap=16)
    with pytest.raises(IsageError, match=r"gray.tif: has 1 bands but the model reads bands \[1, 2, 3\]"):
        predict_frame(one_band, pointwise_model(), make_meta(), tmp_path, "g", settings, device=CPU)
    with pytest.raises(IsageError, match="not found"):
        predict_frame(
            tmp_path / "nope.tif", pointwise_model(), make_meta(), tmp_path, "n", settings, device=CPU
        )
    (tmp_path / "text.tif").write_text("not a raster")
    with pytest.raises(IsageError, match="not a readable raster"):
        predict_frame(
            tmp_path / "text.tif", pointwise_model(), make_meta(), tmp_path, "t", settings, device=CPU
        )
    frame = write_frame(tmp_path / "rgb.tif", mosaic[:, :64, :64])
    small_ref = write_classes(tmp_path / "ref.tif", np.zeros((32, 64)))
    with pytest.raises(IsageError, match="reference is 64x32 pixels"):
        predict_frame(
            frame, pointwise_model(), make_meta(), tmp_path, "r", settings, device=CPU, reference=small_ref
        )
    with pytest.raises(IsageError, match="overlap must be"):
        predict_frame(
            frame,
            pointwise_model(),
            make_meta(),
            tmp_path,
            "r",
            PredictSettings(tile_size=64, overlap=64),
            device=CPU,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gray.tif", "ref.tif", "rgb.tif", "text.tif"]


def test_predict_at_pixels_agrees_with_the_map(tmp_path, mosaic):
    frame = write_frame(tmp_path / "frame.tif", mosaic[:, :100, :120])
    meta, network = make_meta(), pointwise_model()
    probs = whole_image(network, mosaic[:, :100, :120], meta)
    pixels = [(0, 0), (99, 119), (50, 60), (3, 117), (98, 1)]
    with rasterio.open(frame) as src:
        got = predict_at_pixels(network, meta, src, pixels, PredictSettings(tile_size=64, batch_size=2), CPU)
        with pytest.raises(IsageError, match="outside"):
            predict_at_pixels(network, meta, src, [(100, 0)], PredictSettings(tile_size=64), CPU)
    for (row, col), (class_id, confidence) in zip(pixels, got, strict=True):
        assert class_id == probs[:, row, col].argmax()
        assert confidence == pytest.approx(probs[:, row, col].max(), abs=1e-6)


def test_pixel_tiles_serve_each_pixel_once_away_from_tile_edges():
    rng = np.random.default_rng(4)
    height, width, tile = 700, 1000, 128
    pixels = [
        (int(r), int(c))
        for r, c in zip(rng.integers(0, height, 300), rng.integers(0, width, 300), strict=True)
    ]
    groups = pixel_tiles(pixels, height, width, tile)
    served = sorted(i for _, members in groups for i in members)
    assert served == list(range(len(pixels)))
    for (r0, c0), members in groups:
        assert 0 <= r0 <= height - tile and 0 <= c0 <= width - tile
        for i in members:
            row, col = pixels[i]
            assert r0 <= row < r0 + tile and c0 <= col < c0 + tile
            assert row - r0 >= tile // 4 or r0 == 0
            assert r0 + tile - row > tile // 4 or r0 + tile == height
            assert col - c0 >= tile // 4 or c0 == 0
            assert c0 + tile - col > tile // 4 or c0 + tile == width
    assert len(groups) < len(pixels) / 2  # nearby clicks share tiles
    # A frame no larger than a tile needs a single pass for all its clicks.
    assert len(pixel_tiles([(0, 0), (255, 255), (128, 3)], 256, 256, 256)) == 1


def test_category_names_keep_quotes_and_escape_markup():
    """Class names go into the sidecar XML as element text: &, < and > escaped, quotes as typed."""
    xml = category_xml(ClassTable([0, 1], ['farmer\'s "field"', "a<b&c"], ["#000000", "#ffffff"]))
    assert '<Category>farmer\'s "field"</Category>' in xml and "<Category>a&lt;b&amp;c</Category>" in xml
