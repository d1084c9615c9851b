"""An iteration's mosaics: one VRT per output kind over the frames' rasters, read back through GDAL.

The per-frame rasters are real: the sample's dense masks as class rasters and its imagery as heatmaps,
written by the engine's own GeoTIFF writer on the sample's grid (32 pixels of gap between frames).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.transform import from_origin
from rasterio.windows import from_bounds

from isage_core.benchmark.sample_data import PIXEL_SIZE, patch_transform, sample_root
from isage_core.inference.mosaic import write_mosaics
from isage_core.inference.rasterout import CLASS_NODATA, HEATMAP_NODATA, ClassTable, write_geotiff

CLASSES = ClassTable([0, 1, 2, 3, 4], ["background", "car", "road", "building", "permeable"],
                     ["#9e9e9e", "#e53935", "#3c3c3c", "#ff9800", "#43a047"])  # fmt: skip
STEMS = ["1", "11", "101", "1000", "102"]


def sample_arrays(stem: str) -> tuple[np.ndarray, np.ndarray]:
    """A real mask (uint8 classes 0..4) and a heatmap from the real image (float32 0..1)."""
    root = sample_root()
    mask = np.asarray(Image.open(root / "mask_train" / f"{stem}.png")).astype(np.uint8)
    image = np.asarray(Image.open(root / "image_train" / f"{stem}.png").convert("L"))
    return mask, (image / 255.0).astype(np.float32)


def write_frame_outputs(folder: Path, name: str, stem: str, transform, crs="EPSG:31983", hole=None, step=1):
    """``<name>_classes.tif`` and ``<name>_confidence.tif`` from sample patch ``stem`` (every ``step``-th
    pixel: a coarser frame), with a nodata ``hole`` (rows, cols slices) if given."""
    mask, heat = (a[::step, ::step].copy() for a in sample_arrays(stem))
    if hole is not None:
        mask[hole], heat[hole] = CLASS_NODATA, HEATMAP_NODATA
    common = {"crs": crs, "transform": transform}
    classes = write_geotiff(folder / f"{name}_classes.tif", mask, kind="classes", classes=CLASSES, **common)
    confidence = write_geotiff(folder / f"{name}_confidence.tif", heat, **common)
    return {"classes": classes, "confidence": confidence}


def read_at(vrt, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The mosaic's pixels over the bounds of the frame raster ``path``, and the frame's own."""
    with rasterio.open(path) as frame:
        window = from_bounds(*frame.bounds, transform=vrt.transform)
        return vrt.read(1, window=window.round_offsets().round_lengths()), frame.read(1)


@pytest.fixture
def iteration(tmp_path):
    folder = tmp_path / "ws" / "outputs" / "iteration_002"
    folder.mkdir(parents=True)
    return folder


def test_mosaic_shows_every_frame_exactly_with_transparent_gaps_and_the_class_styling(iteration):
    frames = [(f"train_{s}", write_frame_outputs(iteration, f"train_{s}", s, patch_transform("train", i)))
              for i, s in enumerate(STEMS)]  # fmt: skip
    done = write_mosaics(iteration, 2, frames)
    assert [(m.kind, m.key, m.crs) for m in done.mosaics] == [
        ("classes", "mosaic/classes", "EPSG:31983"),
        ("confidence", "mosaic/confidence", "EPSG:31983"),
    ]
    assert all(m.frames == [name for name, _ in frames] for m in done.mosaics) and not done.alone
    classes, confidence = (m.path for m in done.mosaics)
    assert classes == iteration / "mosaic" / "iteration_002_classes.vrt"
    pitch = (256 + 32) * PIXEL_SIZE
    with rasterio.open(classes) as vrt, rasterio.open(confidence) as heat:
        for ds in (vrt, heat):
            assert ds.crs == rasterio.crs.CRS.from_epsg(31983) and ds.res == (PIXEL_SIZE, PIXEL_SIZE)
            assert ds.bounds.left == pytest.approx(190000) and ds.bounds.top == pytest.approx(8250000)
            assert (ds.width, ds.height) == (5 * 256 + 4 * 32, 256)
        assert (vrt.dtypes[0], vrt.nodata, heat.dtypes[0], heat.nodata) == ("uint8", 255, "float32", -1)
        for _, files in frames:
            got, expected = read_at(vrt, files["classes"])
            np.testing.assert_array_equal(got, expected)
            got, expected = read_at(heat, files["confidence"])
            np.testing.assert_array_equal(got, expected)
        gap = from_bounds(190000 + 256 * PIXEL_SIZE, 8250000 - 256 * PIXEL_SIZE, 190000 + pitch, 8250000,
                          transform=vrt.transform).round_offsets().round_lengths()  # fmt: skip
        assert gap.width == 32 and np.all(vrt.read(1, window=gap) == 255)
        assert np.all(heat.read(1, window=gap) == -1) and not vrt.read_masks(1, window=gap).any()
        colormap = vrt.colormap(1)
        assert colormap[1] == (0xE5, 0x39, 0x35, 255) and colormap[255][3] == 0
        assert vrt.tags()["CLASS_NAMES"] == '["background", "car", "road", "building", "permeable"]'
    text = classes.read_text()
    assert "<Category>permeable</Category>" in text and 'relativeToVRT="1">../train_1_classes.tif<' in text
    assert str(iteration) not in text  # no absolute path
    qml = classes.with_suffix(".qml").read_text()
    assert qml.count("<paletteEntry") == 5 and 'label="building"' in qml


def test_the_workspace_moves_with_its_mosaics(iteration, tmp_path):
    frames = [(n, write_frame_outputs(iteration, n, s, patch_transform("train", i)))
              for i, (n, s) in enumerate([("a", "1"), ("b", "11")])]  # fmt: skip
    before = {}
    for mosaic in write_mosaics(iteration, 2, frames).mosaics:
        with rasterio.open(mosaic.path) as ds:
            before[mosaic.path.relative_to(tmp_path / "ws")] = ds.read(1)
    moved = tmp_path / "elsewhere" / "ws_moved"
    moved.parent.mkdir()
    shutil.move(tmp_path / "ws", moved)
    for relative, pixels in before.items():
        with rasterio.open(moved / relative) as ds:
            np.testing.assert_array_equal(ds.read(1), pixels)


def test_the_later_frame_wins_where_frames_overlap_except_in_its_nodata(iteration):
    """Frame b starts 100 pixels into frame a; b has a nodata hole inside the overlap."""
    t = from_origin(190000, 8250000, PIXEL_SIZE, PIXEL_SIZE)
    hole = (slice(10, 40), slice(20, 60))  # rows, cols of b
    a = write_frame_outputs(iteration, "a", "1", t)
    b = write_frame_outputs(iteration, "b", "11", t * rasterio.Affine.translation(100, 0), hole=hole)
    done = write_mosaics(iteration, 2, [("a", a), ("b", b)])
    with rasterio.open(a["classes"]) as src:
        a_px = src.read(1)
    with rasterio.open(b["classes"]) as src:
        b_px = src.read(1)
    with rasterio.open(done.mosaics[0].path) as vrt:
        assert (vrt.width, vrt.height) == (356, 256)
        pixels = vrt.read(1)
    np.testing.assert_array_equal(pixels[:, :100], a_px[:, :100])
    expected = b_px.copy()
    expected[hole] = a_px[10:40, 120:160]  # the earlier frame shows through the later one's hole
    np.testing.assert_array_equal(pixels[:, 100:], expected)
    assert (a_px[:, 100:] != b_px[:, :156]).any()  # they disagree in the overlap: the test sees who won
    reverse = write_mosaics(iteration, 2, [("b", b), ("a", a)])  # record order decides
    with rasterio.open(reverse.mosaics[0].path) as vrt:
        np.testing.assert_array_equal(vrt.read(1)[:, :256], a_px)


def test_frames_are_grouped_by_crs_and_a_frame_alone_in_its_crs_stays_alone(iteration, caplog):
    utm = [(n, write_frame_outputs(iteration, n, s, patch_transform("train", i)))
           for i, (n, s) in enumerate([("u1", "1"), ("u2", "11")])]  # fmt: skip
    wgs = [(n, write_frame_outputs(iteration, n, s, from_origin(-47.9 + i * 0.001, -15.78, 2e-6, 2e-6),
                                   crs="EPSG:4326"))
           for i, (n, s) in enumerate([("w1", "101"), ("w2", "102")])]  # fmt: skip
    lone = [("z", write_frame_outputs(iteration, "z", "1000", patch_transform("train", 0), crs="EPSG:32723"))]
    with caplog.at_level(logging.INFO, logger="isage_core.inference.mosaic"):
        done = write_mosaics(iteration, 2, utm + wgs + lone)
    names = {m.key: (m.path.name, m.crs, m.frames) for m in done.mosaics}
    assert names == {
        f"mosaic/{kind}_{tag}": (f"iteration_002_{kind}_{tag}.vrt", tag.replace("_", ":"), frames)
        for kind in ("classes", "confidence")
        for tag, frames in (("EPSG_31983", ["u1", "u2"]), ("EPSG_4326", ["w1", "w2"]))
    }
    assert done.alone == {"classes": ["z"], "confidence": ["z"]}
    assert "frame 'z' is the only one in its CRS EPSG:32723" in caplog.text
    for mosaic in done.mosaics:
        with rasterio.open(mosaic.path) as vrt:
            for name in mosaic.frames:
                got, expected = read_at(vrt, dict(utm + wgs)[name][mosaic.kind])
                np.testing.assert_array_equal(got, expected)
    # fewer frames later: the mosaics that no longer apply go, and one frame left gets none
    again = write_mosaics(iteration, 2, utm[:1])
    assert not again.mosaics and again.alone == {"classes": ["u1"], "confidence": ["u1"]}
    assert not [p.name for p in (iteration / "mosaic").iterdir()]


def test_a_coarser_frame_is_resampled_to_the_finest_by_nearest_neighbour(iteration):
    fine_t = from_origin(190000, 8250000, PIXEL_SIZE, PIXEL_SIZE)
    coarse_t = from_origin(190000 + 300 * PIXEL_SIZE, 8250000, 2 * PIXEL_SIZE, 2 * PIXEL_SIZE)
    fine = write_frame_outputs(iteration, "fine", "1", fine_t)
    coarse = write_frame_outputs(iteration, "coarse", "11", coarse_t, step=2)  # 128x128 pixels of 0.48 m
    done = write_mosaics(iteration, 2, [("coarse", coarse), ("fine", fine)])
    for mosaic in done.mosaics:
        with rasterio.open(mosaic.path) as vrt:
            assert vrt.res == (PIXEL_SIZE, PIXEL_SIZE) and (vrt.width, vrt.height) == (556, 256)
            pixels = vrt.read(1)
        with rasterio.open(fine[mosaic.kind]) as src:
            np.testing.assert_array_equal(pixels[:, :256], src.read(1))
        with rasterio.open(coarse[mosaic.kind]) as src:
            doubled = np.repeat(np.repeat(src.read(1), 2, axis=0), 2, axis=1)
        np.testing.assert_array_equal(pixels[:, 300:], doubled)  # nearest: every value is a frame's value
        assert np.all(pixels[:, 256:300] == (255 if mosaic.kind == "classes" else -1))
