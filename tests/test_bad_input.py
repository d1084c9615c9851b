"""Bad input handed to the command line as a user would: either a one-line error naming the file and the
fix (exit 2) with nothing written, or a correct result. Damaged GeoTIFFs, frames unlike the model's
training frames, NaN and infinite pixels, reference masks that hold no class ids, refused record files."""

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from isage_core.model.checkpoint import load_checkpoint, read_meta
from isage_core.record.workspace import Workspace
from isage_core.settings import PredictSettings

from .cli_testutil import cli, refused
from .conftest import write_record_frame

PATCHES = Path(__file__).resolve().parents[1] / "isage_core" / "data" / "bsb_toy" / "image_train"
TINY = [
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--batch-size", "2", "--patch-size", "64", "--device", "cpu", "--steps", "2",
]  # fmt: skip
CLASSES = "0:background:#9e9e9e,1:building:#ff9800,2:road:#3c3c3c"
CLICKS = [(20, 20, 0), (128, 128, 1), (200, 60, 2)]


def patch(name: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(PATCHES / name) as src:
            return src.read()


def frame(path: Path, data: np.ndarray, x0: float = 300000, nodata=None) -> Path:
    return write_record_frame(path, data, "EPSG:31983", from_origin(x0, 8250000, 0.24, 0.24), nodata)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_workspace(capsys, folder: Path, frames: dict[str, np.ndarray], train: bool = True) -> Path:
    """A workspace of real patches (GeoTIFF frames side by side) with three clicks on each, trained once."""
    ws = folder / "ws"
    assert cli(capsys, "init", ws, "--classes", CLASSES)[0] == 0
    for index, (name, data) in enumerate(frames.items()):
        frame(folder / f"{name}.tif", data, 300000 + 100 * index)
        assert cli(capsys, "frames", "add", ws, folder / f"{name}.tif")[0] == 0
        for row, col, class_id in CLICKS:
            assert cli(capsys, "click", "add", ws, "--frame", name, "--class", class_id,
                       "--row", row, "--col", col)[0] == 0  # fmt: skip
    assert not train or cli(capsys, "train", ws, *TINY)[0] == 0
    return ws


@pytest.fixture
def trained(tmp_path, capsys) -> Path:
    """A workspace trained on two 3-band uint8 frames; its model is ``models/iteration_000``."""
    return make_workspace(capsys, tmp_path, {"a": patch("1.png"), "b": patch("11.png")})


def model_of(ws: Path) -> Path:
    return ws / "models" / "iteration_000.safetensors"


# ---- 1: a damaged GeoTIFF ----------------------------------------------------------------------------
def test_a_truncated_geotiff_is_named_as_damaged_and_nothing_is_written(trained, tmp_path, capsys):
    data = (tmp_path / "a.tif").read_bytes()
    broken = tmp_path / "broken.tif"
    broken.write_bytes(data[: len(data) // 2])
    before = snapshot(trained)
    message = refused(capsys, "frames", "add", trained, broken)
    assert "broken.tif" in message and "damaged or incomplete" in message
    out = tmp_path / "predicted"
    message = refused(capsys, "predict", "--raster", broken, "--model", model_of(trained), "--out", out)
    assert "broken.tif" in message and "damaged" in message and "written" not in message
    assert not out.exists() and snapshot(trained) == before


# ---- 2: frames unlike the training frames --------------------------------------------------------------
def test_rasters_unlike_the_training_frames_are_refused_unless_allowed(trained, tmp_path, capsys):
    model = model_of(trained)
    profile = read_meta(model).input_profile
    assert profile["band_count"] == 3 and profile["dtype"] == "uint8" and len(profile["low"]) == 3
    a = patch("1.png")
    five = frame(tmp_path / "five.tif", np.concatenate([a, a[:2]]).astype(np.uint16) * 200)
    other = frame(tmp_path / "other.tif", patch("101.png"))  # a real patch never trained on
    out = tmp_path / "out"
    message = refused(capsys, "predict", "--raster", five, "--model", model, "--out", out)
    assert "five.tif" in message and "5 band(s) of uint16" in message and "--allow-input-mismatch" in message
    assert not out.exists()
    assert cli(capsys, "predict", "--raster", other, "--model", model, "--out", out)[0] == 0
    status, _ = cli(
        capsys, "predict", "--raster", five, "--model", model, "--out", out, "--allow-input-mismatch"
    )
    assert status == 0
    with rasterio.open(out / "five_classes.tif") as src:
        assert "5 band(s) of uint16" in src.tags()["ISAGE_INPUT_MISMATCH"]
    with rasterio.open(out / "other_classes.tif") as src:
        assert "ISAGE_INPUT_MISMATCH" not in src.tags()

    # a warm start never mixes in a frame of another kind silently
    assert cli(capsys, "frames", "add", trained, five)[0] == 0
    assert (
        cli(capsys, "click", "add", trained, "--frame", "five", "--class", 1, "--row", 9, "--col", 9)[0] == 0
    )
    runs = len(Workspace.open(trained).record.runs())
    message = refused(capsys, "train", trained, *TINY)
    assert "five.tif" in message and "warm-started" in message
    assert len(Workspace.open(trained).record.runs()) == runs
    assert not (trained / "models" / "iteration_001.safetensors").exists()
    assert cli(capsys, "train", trained, *TINY, "--allow-input-mismatch")[0] == 0
    run = Workspace.open(trained).record.runs()[-1]
    assert "5 band(s) of uint16" in run.metrics["input_mismatch"]["five"]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (lambda a: a[:2], "2 bands but the model reads bands [1, 2, 3]"),  # fewer bands
        (lambda a: np.concatenate([a, a[:1]]), "4 band(s) of uint8"),  # one more band
        (lambda a: a.astype(np.int16), "3 band(s) of int16"),
        (lambda a: a.astype(np.uint16), "3 band(s) of uint16"),
        (lambda a: a.astype(np.float32), "3 band(s) of float32"),
    ],
)
def test_every_kind_of_band_or_type_mismatch_is_refused(trained, tmp_path, capsys, shape, expected):
    raster = frame(tmp_path / "other.tif", shape(patch("101.png")))
    out = tmp_path / "out"
    message = refused(capsys, "predict", "--raster", raster, "--model", model_of(trained), "--out", out)
    assert "other.tif" in message and expected in message and not out.exists()


def test_values_mostly_outside_the_training_range_are_refused(tmp_path, capsys):
    """The rule: refused when more than half of the sampled pixels lie outside the training range."""
    ws = make_workspace(
        capsys, tmp_path, {"a": patch("1.png").astype(np.float32), "b": patch("11.png").astype(np.float32)}
    )
    model, out = model_of(ws), tmp_path / "out"
    other = patch("101.png").astype(np.float32)
    scaled = frame(tmp_path / "scaled.tif", other * 100)  # the same scene in another radiometric scale
    message = refused(capsys, "predict", "--raster", scaled, "--model", model, "--out", out)
    assert "scaled.tif" in message and "outside the values of the training frames" in message
    assert "band 1:" in message and not out.exists()
    part = other.copy()
    part[:, :100] *= 100  # 39 % of the pixels outside: mostly inside, accepted
    for name, data in (("other", other), ("part", part)):
        assert cli(capsys, "predict", "--raster", frame(tmp_path / f"{name}.tif", data), "--model", model,
                   "--out", out)[0] == 0  # fmt: skip


def test_a_first_model_refuses_training_frames_of_two_kinds(tmp_path, capsys):
    a = patch("1.png")
    ws = make_workspace(capsys, tmp_path, {"a": a, "wide": a.astype(np.uint16) * 200}, train=False)
    message = refused(capsys, "train", ws, *TINY)
    assert "wide.tif" in message and "1 of uint8" not in message and "3 of uint8" in message
    assert not list((ws / "models").iterdir()) and not Workspace.open(ws).record.runs()


# ---- 3: NaN and infinite pixels -------------------------------------------------------------------------
def poisoned(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float32 ``data`` with NaN and infinite pixels in the shapes a user meets; and where (any band)."""
    out = data.astype(np.float32)
    out[:, 100:110, 100:110] = np.nan  # a square in every band
    out[1, 30:34, 200:210] = np.nan  # one band only
    out[:, 0:128, 128:256] = np.nan  # a whole 128 px block
    out[:, 124:132, 10:40] = np.nan  # across a block edge: in the neighbouring block's overlap
    out[0, 240, 5] = np.inf
    out[2, 250, 250] = -np.inf
    return out, ~np.all(np.isfinite(out), axis=0)


def test_nan_and_infinite_pixels_are_nodata_in_clicks_statistics_training_and_outputs(tmp_path, capsys):
    a, holes = poisoned(patch("1.png"))
    b = patch("11.png").astype(np.float32)
    ws = make_workspace(capsys, tmp_path, {"a": a, "b": b})  # trains with finite losses
    run = Workspace.open(ws).record.runs()[-1]
    assert np.isfinite(run.metrics["final_loss"])
    network, meta = load_checkpoint(model_of(ws), "cpu")
    assert (
        all(np.isfinite(meta.mean))
        and all(np.isfinite(meta.std))
        and all(np.isfinite(meta.input_profile["low"]))
    )
    for row, col in ((105, 105), (32, 205), (240, 5), (250, 250)):
        message = refused(
            capsys, "click", "add", ws, "--frame", "a", "--class", 1, "--row", row, "--col", col
        )
        assert "a.tif" in message and "nodata" in message
    assert cli(capsys, "predict", ws)[0] == 0
    with rasterio.open(ws / "outputs" / "iteration_000" / "a_classes.tif") as src:
        classes = src.read(1)
        assert src.nodata == 255
    with rasterio.open(ws / "outputs" / "iteration_000" / "a_confidence.tif") as src:
        confidence, nodata = src.read(1), src.nodata
    assert np.array_equal(classes == 255, holes) and np.array_equal(confidence == nodata, holes)
    assert np.isfinite(confidence).all() and (confidence[~holes] > 0).all()
    # small blocks and tiles: holes over a whole block and in a block's overlap spread nowhere
    from isage_core.inference.predict import predict_frame

    small = PredictSettings(tile_size=64, overlap=16, block_size=128, batch_size=4, heatmaps=("confidence",))
    paths = predict_frame(tmp_path / "a.tif", network, meta, tmp_path / "small", "a", small, device="cpu")
    with rasterio.open(paths["confidence"]) as src:
        confidence, nodata = src.read(1), src.nodata
    assert np.array_equal(confidence == nodata, holes) and np.isfinite(confidence).all()


# ---- 4: a reference mask that is not class ids -------------------------------------------------------------
def test_a_reference_that_holds_no_class_ids_is_refused_and_stray_values_get_no_error(
    trained, tmp_path, capsys
):
    assert cli(capsys, "predict", trained)[0] == 0
    classes = trained / "outputs" / "iteration_000" / "a_classes.tif"
    grey = (np.arange(256 * 256).reshape(1, 256, 256) % 3 * 100).astype(np.uint8)  # 0, 100, 200
    bad = frame(tmp_path / "grey_mask.tif", grey)
    message = refused(
        capsys, "evaluate", "--prediction", classes, "--reference", bad, "--model", model_of(trained)
    )
    assert "grey_mask.tif" in message and "not class ids" in message
    out = tmp_path / "checked"
    message = refused(capsys, "predict", "--raster", tmp_path / "a.tif", "--model", model_of(trained),
                      "--out", out, "--reference", bad)  # fmt: skip
    assert "grey_mask.tif" in message and not out.exists()
    mostly = (np.arange(256 * 256).reshape(1, 256, 256) % 3).astype(np.uint8)
    mostly[0, :8, :] = 77  # a few stray values: scored without them, no confident error there
    fine = frame(tmp_path / "mask.tif", mostly)
    assert cli(capsys, "predict", "--raster", tmp_path / "a.tif", "--model", model_of(trained),
               "--out", out, "--reference", fine)[0] == 0  # fmt: skip
    with rasterio.open(out / "a_error.tif") as src:
        error, nodata = src.read(1), src.nodata
    assert (error[:8] == nodata).all() and (error[8:] != nodata).all()


# ---- 9: a refused record file leaves its folder as it was ----------------------------------------------
def test_a_refused_geopackage_creates_nothing_beside_it(tmp_path, capsys):
    folder = tmp_path / "shared"
    folder.mkdir()
    junk = folder / "clicks.gpkg"
    junk.write_text("not a geopackage")
    for argv in (("info", junk), ("click", "list", junk), ("train", folder, *TINY), ("predict", folder)):
        assert "clicks.gpkg" in refused(capsys, *argv)
    assert sorted(p.name for p in folder.iterdir()) == ["clicks.gpkg"]
    shutil.rmtree(folder)


# ---- 10: a record that cannot take the run fails before training, not after ------------------------------
def test_training_a_record_it_cannot_write_fails_before_the_first_step(trained, capsys, monkeypatch):
    import sqlite3

    from isage_core.record.click_record import ClickRecord

    monkeypatch.setattr(ClickRecord, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(trained / "clicks.gpkg")  # another program writing (QGIS editing the layer)
    holder.execute("BEGIN IMMEDIATE")  # a writer: readers go on, other writers wait (QGIS saving edits)
    try:
        status, events = cli(capsys, "train", trained, *TINY)
    finally:
        holder.rollback()
        holder.close()
    assert status == 2 and "clicks.gpkg" in events[-1]["message"] and "locked" in events[-1]["message"]
    assert not [e for e in events if e["event"] == "progress" and "step" in e.get("message", "")]
    assert not (trained / "models" / "iteration_001.safetensors").exists()


# ---- 14: a raster without georeference ------------------------------------------------------------------
def test_outputs_of_a_raster_without_georeference_overlay_it_the_right_way_up(trained, tmp_path, capsys):
    """QGIS draws such a raster at x = column, y = -row; outputs had y growing down the rows (upside down)."""
    png = tmp_path / "patch.png"
    shutil.copy(PATCHES / "1.png", png)
    out = tmp_path / "out"
    assert cli(capsys, "predict", "--raster", png, "--model", model_of(trained), "--out", out)[0] == 0
    for name in ("patch_classes.tif", "patch_confidence.tif"):
        with rasterio.open(out / name) as src:
            assert src.crs is None and tuple(src.transform)[:6] == (1.0, 0.0, 0.0, 0.0, -1.0, 0.0)
    # and a click placed on the map as QGIS shows the frame lands on the pixel under it
    plain = tmp_path / "plain"  # a record without CRS: its frames need none
    assert cli(capsys, "init", plain, "--classes", CLASSES)[0] == 0
    assert cli(capsys, "frames", "add", plain, png)[0] == 0
    on_map = ["--x", 20.5, "--y", -10.5]
    status, events = cli(capsys, "click", "add", plain, "--frame", "patch", "--class", 2, *on_map)
    assert status == 0 and (events[-1]["click"]["row"], events[-1]["click"]["col"]) == (10, 20)
