"""The ``isage`` command line end to end on the real sample: events, the loop, and bad input."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio

from isage_core.benchmark.sample_data import export_sample
from isage_core.cli.main import main
from isage_core.cli.reporters import HumanReporter, JsonLinesReporter

TINY = [
    "--encoder",
    "tu-mobilenetv3_small_100",
    "--weights",
    "none",
    "--decoder-channels",
    "64,32,16,16,8",
    "--batch-size",
    "2",
    "--patch-size",
    "64",
]
CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable:#43a047"


def run_json(capsys, *argv):
    """Run the CLI in-process with --json; return (exit status, list of events)."""
    status = main(["--json", *argv])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    return status, [json.loads(line) for line in lines]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return export_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture()
def workspace(tmp_path, sample, capsys):
    ws = tmp_path / "ws"
    assert run_json(capsys, "init", str(ws), "--classes", CLASSES)[0] == 0
    frames = [str(p) for p in list(sample.train.images.values())[:2]]
    assert run_json(capsys, "frames", "add", str(ws), *frames)[0] == 0
    return ws


def add_seed_clicks(capsys, ws, sample, frames=("train_1", "train_11")):
    for frame in frames:
        for row, col, class_id in sample.seed_clicks[frame]:
            status, events = run_json(
                capsys,
                "click",
                "add",
                str(ws),
                "--frame",
                frame,
                "--class",
                str(class_id),
                "--row",
                str(row),
                "--col",
                str(col),
            )
            assert status == 0, events[-1]


def test_json_events_follow_the_documented_schema(capsys):
    status, events = run_json(capsys, "info")
    assert status == 0
    assert [e["event"] for e in events] == ["start", "result"]
    assert all("time" in e for e in events)
    assert events[0]["command"] == "info"
    assert events[-1]["environment"]["device"].startswith("cpu")


def test_loop_train_predict_evaluate_vectorize(capsys, workspace, sample, tmp_path):
    add_seed_clicks(capsys, workspace, sample)
    status, events = run_json(capsys, "train", str(workspace), *TINY, "--steps", "4")
    assert status == 0, events[-1]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "result" and "progress" in kinds
    fractions = [e["fraction"] for e in events if e["event"] == "progress"]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] <= 1
    result = events[-1]
    assert result["iteration"] == 0 and result["clicks_used"] == len(sample.seed_clicks["train_1"]) + len(
        sample.seed_clicks["train_11"]
    )
    assert Path(result["outputs"]["model"]).is_file()

    status, events = run_json(
        capsys, "predict", str(workspace), "--frame", "train_1", "--tile-size", "128", "--overlap", "32"
    )
    assert status == 0, events[-1]
    classes = Path(events[-1]["outputs"]["train_1_classes"])
    with rasterio.open(classes) as out, rasterio.open(sample.train.images["train_1"]) as frame:
        assert out.crs == frame.crs and out.transform == frame.transform and out.dtypes[0] == "uint8"
    assert events[-1]["mosaics"] == {} and not (classes.parent / "mosaic").exists()  # one frame: no mosaic

    # both frames: besides each frame's rasters, one mosaic per output over the two
    status, events = run_json(capsys, "predict", str(workspace), "--tile-size", "128", "--overlap", "32")
    assert status == 0, events[-1]
    outputs, mosaics = events[-1]["outputs"], events[-1]["mosaics"]
    assert {"train_1_classes", "train_11_classes", "train_1_confidence"} <= set(outputs)
    assert mosaics == {
        key: {"kind": kind, "crs": "EPSG:31983", "frames": ["train_1", "train_11"]}
        for kind in ("classes", "confidence")
        for key in [f"mosaic/{kind}"]
    }
    assert Path(outputs["mosaic/classes"]) == classes.parent / "mosaic" / "iteration_000_classes.vrt"
    with rasterio.open(outputs["mosaic/classes"]) as vrt:
        for frame in ("train_1", "train_11"):
            with rasterio.open(outputs[f"{frame}_classes"]) as src:
                window = rasterio.windows.from_bounds(*src.bounds, transform=vrt.transform)
                np.testing.assert_array_equal(vrt.read(1, window=window.round_offsets()), src.read(1))

    status, events = run_json(
        capsys,
        "evaluate",
        "--workspace",
        str(workspace),
        "--prediction",
        str(classes),
        "--reference",
        str(sample.train.masks["train_1"]),
    )
    assert status == 0, events[-1]
    metrics = events[-1]["metrics"]
    assert 0 <= metrics["miou"] <= 1
    # the clicks on the scored frame only, not every click of the workspace (two frames)
    on_frame = len(sample.seed_clicks["train_1"])
    assert metrics["labelled_pixel_fraction"] == pytest.approx(on_frame / metrics["pixels"])

    polygons = tmp_path / "polygons.gpkg"
    assert run_json(capsys, "vectorize", str(classes), str(polygons))[0] == 0
    assert polygons.is_file()


def test_demo_runs_a_short_session(capsys, tmp_path):
    out = tmp_path / "demo"
    argv = ["demo", "--out", str(out), "--iterations", "2", "--strategy", "interior", *TINY, "--steps", "3"]
    status, events = run_json(capsys, *argv)
    assert status == 0, events[-1]
    summary = json.loads((out / "demo_summary.json").read_text())
    assert [e["iteration"] for e in summary["iterations"]] == [0, 1]
    assert (
        summary["iterations"][1]["clicks"] > summary["iterations"][0]["clicks"]
    )  # the expert clicked errors
    assert all(0 <= e["val_miou"] <= 1 for e in summary["iterations"])
    assert (out / "clicks.gpkg").is_file()
    assert len(list((out / "outputs" / "iteration_001").glob("*_classes.tif"))) == 30
    assert len(list((out / "models").glob("*.safetensors"))) == 2


def test_the_demo_user_labels_the_proposals_by_default(capsys, tmp_path):
    from isage_core.record.click_record import ClickRecord

    out = tmp_path / "demo"
    argv = ["demo", "--out", str(out), "--iterations", "2", *TINY, "--steps", "3"]
    status, events = run_json(capsys, *argv)
    assert status == 0, events[-1]
    added = [c for c in ClickRecord(out / "clicks.gpkg").clicks() if c.iteration == 1]
    assert added and all(c.note.startswith("proposed: ") for c in added)
    assert all(c.annotator == "simulated user (proposals)" for c in added)
    per_class_and_frame = [(c.frame, c.class_id) for c in added]
    assert len(per_class_and_frame) == len(set(per_class_and_frame))  # the method's budget
    assert (out / "outputs" / "iteration_000" / "proposals.gpkg").is_file()


# ---- bad input: one line naming the file and the fix, non-zero exit, nothing damaged --------------------
def error_of(events) -> str:
    assert events[-1]["event"] == "error"
    message = events[-1]["message"]
    assert "\n" not in message
    return message


def test_missing_and_non_raster_frames(capsys, workspace, tmp_path):
    status, events = run_json(capsys, "frames", "add", str(workspace), str(tmp_path / "nope.tif"))
    assert status == 2 and "nope.tif" in error_of(events) and "not found" in error_of(events)
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    status, events = run_json(capsys, "frames", "add", str(workspace), str(text))
    assert status == 2 and "notes.tif" in error_of(events) and "GeoTIFF" in error_of(events)


def test_corrupt_geopackage(capsys, tmp_path):
    ws = tmp_path / "broken"
    ws.mkdir()
    (ws / "clicks.gpkg").write_bytes(os.urandom(4096))
    before = digest(ws / "clicks.gpkg")
    status, events = run_json(capsys, "info", str(ws))
    assert status == 2 and "clicks.gpkg" in error_of(events)
    assert digest(ws / "clicks.gpkg") == before


def test_empty_click_set_and_class_without_clicks(capsys, workspace):
    status, events = run_json(capsys, "train", str(workspace), *TINY, "--steps", "2")
    assert status == 2 and "clicks.gpkg" in error_of(events) and "click" in error_of(events)
    assert (
        run_json(
            capsys,
            "click",
            "add",
            str(workspace),
            "--frame",
            "train_1",
            "--class",
            "2",
            "--row",
            "5",
            "--col",
            "5",
        )[0]
        == 0
    )
    status, events = run_json(capsys, "train", str(workspace), *TINY, "--steps", "2")
    assert status == 2 and "no clicks" in error_of(events) and "background" in error_of(events)
    assert not list((workspace / "models").iterdir())


def test_band_mismatch_and_pickled_model(capsys, workspace, sample, tmp_path):
    add_seed_clicks(capsys, workspace, sample, frames=("train_1",))
    add_seed_clicks(capsys, workspace, sample, frames=("train_11",))
    assert run_json(capsys, "train", str(workspace), *TINY, "--steps", "2")[0] == 0
    model = next((workspace / "models").glob("*.safetensors"))
    gray = tmp_path / "gray.tif"
    with rasterio.open(sample.train.images["train_1"]) as src:
        profile = src.profile | {"count": 1}
        data = src.read(1)
    with rasterio.open(gray, "w", **profile) as dst:
        dst.write(data, 1)
    status, events = run_json(
        capsys, "predict", "--raster", str(gray), "--model", str(model), "--out", str(tmp_path / "out")
    )
    assert status == 2 and "gray.tif" in error_of(events) and "bands" in error_of(events)

    pickled = tmp_path / "model.pt"
    import torch

    torch.save({"weights": np.zeros(3)}, pickled)
    status, events = run_json(
        capsys, "predict", "--raster", str(gray), "--model", str(pickled), "--out", str(tmp_path / "out")
    )
    assert status == 2 and "model.pt" in error_of(events) and "pickle" in error_of(events)


def test_disk_full_on_output_keeps_record_and_models(capsys, workspace, sample, tmp_path):
    add_seed_clicks(capsys, workspace, sample)
    assert run_json(capsys, "train", str(workspace), *TINY, "--steps", "2")[0] == 0
    record_before = digest(workspace / "clicks.gpkg")
    model = next((workspace / "models").glob("*.safetensors"))
    model_before = digest(model)
    # A file-size limit makes every write past 64 KiB fail as a full disk would (EFBIG).
    script = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536)); "
        "from isage_core.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "--json",
            "predict",
            "--raster",
            str(sample.train.images["train_1"]),
            "--model",
            str(model),
            "--out",
            str(out),
            "--tile-size",
            "128",
            "--overlap",
            "32",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = error_of([json.loads(line) for line in proc.stdout.splitlines() if line.strip()])
    assert "disk space" in message and str(out) in message
    assert list(out.iterdir()) == []  # nothing half-written
    assert digest(workspace / "clicks.gpkg") == record_before and digest(model) == model_before


def test_click_add_finds_the_frame_of_a_map_point(capsys, tmp_path, record_frames):
    ws = tmp_path / "ws"
    assert run_json(capsys, "init", str(ws), "--classes", CLASSES)[0] == 0
    frames = [str(record_frames[k]) for k in ("a", "b", "wgs")]
    assert run_json(capsys, "frames", "add", str(ws), *frames)[0] == 0
    # the centre of pixel (10, 20) of frame b (0.24 m pixels from 300100, 8250000), once in its own CRS
    # and once in WGS 84
    x, y = 300100 + 20.5 * 0.24, 8250000 - 10.5 * 0.24
    status, events = run_json(capsys, "click", "add", str(ws), "--class", "1", "--x", str(x), "--y", str(y))
    assert status == 0 and events[-1]["click"]["frame"] == "b" and events[-1]["click"]["row"] == 10
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:31983", "EPSG:4326", always_xy=True).transform(x, y + 0.24)
    status, events = run_json(
        capsys,
        "click",
        "add",
        str(ws),
        "--class",
        "2",
        "--x",
        str(lon),
        "--y",
        str(lat),
        "--crs",
        "EPSG:4326",
    )
    assert status == 0 and events[-1]["click"]["frame"] == "b" and events[-1]["click"]["row"] == 9
    status, events = run_json(capsys, "click", "add", str(ws), "--class", "1", "--x", "0", "--y", "0")
    assert status == 2 and "no frame has a pixel at" in error_of(events)


def test_every_file_written_follows_the_umask_for_sharing(capsys, workspace, sample):
    """Models were owner-only (0600) while outputs followed the umask: a shared folder mixed both."""
    previous = os.umask(0o002)  # a group-shared folder
    try:
        add_seed_clicks(capsys, workspace, sample)
        assert run_json(capsys, "train", str(workspace), *TINY, "--steps", "1")[0] == 0
        assert run_json(capsys, "predict", str(workspace), "--frame", "train_1")[0] == 0
    finally:
        os.umask(previous)
    written = [p for p in workspace.rglob("*") if p.is_file() and p.name != "clicks.gpkg"]  # made before
    assert any(p.suffix == ".safetensors" for p in written) and any(p.suffix == ".tif" for p in written)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in written} == {p.name: "0o664" for p in written}


def test_human_output_prints_names_and_paths_as_written_and_json_stays_json():
    out, err = io.StringIO(), io.StringIO()
    payload = {
        "outputs": {"workspace": Path("área de trabalho"), "frames": ["ção 1", "b"]},
        "counts": {"água": 2},
        "last_run": None,
    }
    HumanReporter(stream=err, out=out).result(**payload)
    assert out.getvalue().splitlines() == [
        "outputs:",
        "  workspace: área de trabalho",
        "  frames: [ção 1, b]",
        "counts:",
        "  água: 2",
        "last_run: none",
    ]
    stream = io.StringIO()
    JsonLinesReporter(stream).result(**payload)
    record = json.loads(stream.getvalue())
    assert record["outputs"] == {"workspace": "área de trabalho", "frames": ["ção 1", "b"]}
