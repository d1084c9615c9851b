"""Prediction on a Dask cluster gives the one-process pixels, whatever the workers, order or faults.

A raster of real aerial patches (700 x 700) is cut into 4 x 4 parts of 176 px, whose edges do not fall
on the tile stride (112 px), and predicted with a small seeded network: one process, a local cluster
of 1 and of 2 worker processes (1 thread each), the parts in a shuffled order, and a worker killed
after its first part. Then resuming, a refused resume, the COG, a cancel and SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET  # noqa: N817 (parses files these tests wrote)
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch

from isage_core.cancel import CancelToken
from isage_core.errors import Cancelled, IsageError
from isage_core.inference.batch import predict_rasters
from isage_core.inference.predict import FrameTask
from isage_core.model.checkpoint import save_checkpoint
from isage_core.model.network import build_network
from isage_core.settings import ClusterSettings, PredictSettings
from tests.test_predict import make_meta, write_frame

distributed = pytest.importorskip("distributed", reason="the cluster extra (make install) provides Dask")

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SETTINGS = PredictSettings(
    tile_size=128, overlap=16, block_size=176, batch_size=4, backend="torch", threads=1
)
KINDS = ("classes", "confidence")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, mosaic) -> dict[str, Path]:
    """The 700 x 700 raster (the real mosaic and its mirror images), a seeded model, and the one-process
    outputs with one thread."""
    folder = tmp_path_factory.mktemp("cluster")
    wide = np.concatenate([mosaic, mosaic[:, :, ::-1]], axis=2)
    image = np.ascontiguousarray(np.concatenate([wide, wide[:, ::-1]], axis=1)[:, :700, :700])
    raster = write_frame(folder / "mosaic.tif", image)
    torch.manual_seed(0)
    meta = make_meta()
    (folder / "models").mkdir()
    model = save_checkpoint(folder / "models" / "m.safetensors", build_network(meta).eval(), meta)
    serial = predict_rasters({"mosaic": raster}, model, folder / "serial", SETTINGS)["mosaic"]
    return {"raster": raster, "model": model, "folder": folder, **{f"serial_{k}": serial[k] for k in KINDS}}


@pytest.fixture(scope="module")
def scheduler():
    """A local cluster of 2 worker processes, 1 thread each, shared by the tests that need no faults."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def run_cluster(inputs, out: Path, cluster: ClusterSettings, **options):
    from isage_core.cluster.run import predict_on_cluster

    task = FrameTask(inputs["raster"], "mosaic", out)
    return predict_on_cluster([task], inputs["model"], options.pop("settings", SETTINGS), cluster, **options)


def assert_same_as_serial(inputs, files: dict[str, Path]) -> None:
    """Pixels, georeference, nodata, colour table, class names and tags of the one-process outputs."""
    for kind in KINDS:
        with rasterio.open(inputs[f"serial_{kind}"]) as one, rasterio.open(files[kind]) as many:
            assert np.array_equal(one.read(1), many.read(1)), kind
            assert (one.transform, one.crs, one.nodata, one.dtypes) == (
                many.transform, many.crs, many.nodata, many.dtypes,
            )  # fmt: skip
            assert one.tags() == many.tags()
            if kind == "classes":
                assert one.colormap(1) == many.colormap(1)
    assert category_names(inputs["serial_classes"]) == category_names(files["classes"]) != []


def category_names(raster: Path) -> list[str]:
    """The class names GDAL reads: in a VRT itself, beside a GeoTIFF in its ``.aux.xml``."""
    document = raster if raster.suffix == ".vrt" else Path(str(raster) + ".aux.xml")
    return [c.text or "" for c in ET.parse(document).getroot().iter("Category")]


def no_partial_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if ".partial-" in p.name]


def test_one_and_two_workers_and_any_order_give_the_one_process_pixels(inputs, scheduler, tmp_path):
    two = run_cluster(inputs, tmp_path / "two", ClusterSettings(scheduler=scheduler))
    assert (two.parts, two.parts_computed, two.workers) == (16, 16, 2)
    assert len(two.part_workers) == 2  # both workers computed parts
    assert_same_as_serial(inputs, two.outputs["mosaic"])
    shuffled = run_cluster(
        inputs, tmp_path / "shuffled", ClusterSettings(scheduler=scheduler), shuffle_seed=7
    )
    assert_same_as_serial(inputs, shuffled.outputs["mosaic"])
    one = run_cluster(inputs, tmp_path / "one", ClusterSettings(local_workers=1))
    assert one.workers == 1
    assert_same_as_serial(inputs, one.outputs["mosaic"])
    parts = sorted((tmp_path / "two" / "mosaic_parts" / "classes").glob("*.tif"))
    assert len(parts) == 16 and no_partial_files(tmp_path)


def test_a_worker_killed_after_its_first_part_changes_nothing(inputs, tmp_path, monkeypatch):
    marker = tmp_path / "killed"
    monkeypatch.setenv("ISAGE_KILL_AT", "cluster-after-part")
    monkeypatch.setenv("ISAGE_KILL_ONCE", str(marker))  # only the first worker there dies, once
    run = run_cluster(inputs, tmp_path / "out", ClusterSettings(local_workers=2))
    assert marker.exists()  # a worker did die, after writing its first part and before reporting it
    assert run.parts_computed == 16  # its part was computed again, by the restarted or the other worker
    assert_same_as_serial(inputs, run.outputs["mosaic"])
    assert no_partial_files(tmp_path / "out")


def test_resume_recomputes_only_missing_parts_and_refuses_another_job(inputs, scheduler, tmp_path):
    out = tmp_path / "out"
    run_cluster(inputs, out, ClusterSettings(scheduler=scheduler))
    parts = out / "mosaic_parts"
    stamps = {p: p.stat().st_mtime_ns for p in parts.rglob("*.tif")}
    again = run_cluster(inputs, out, ClusterSettings(scheduler=scheduler, resume=True))
    assert (again.parts, again.parts_computed) == (16, 0)
    assert {p: p.stat().st_mtime_ns for p in parts.rglob("*.tif")} == stamps  # nothing rewritten
    lost = sorted((parts / "confidence").glob("*.tif"))[5:8]
    for path in lost:
        path.unlink()
    partly = run_cluster(inputs, out, ClusterSettings(scheduler=scheduler, resume=True))
    assert partly.parts_computed == 3
    assert_same_as_serial(inputs, partly.outputs["mosaic"])
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    other = PredictSettings(**{**SETTINGS.__dict__, "overlap": 32})
    with pytest.raises(IsageError, match="another overlap"):
        run_cluster(inputs, out, ClusterSettings(scheduler=scheduler, resume=True), settings=other)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before  # the refusal changed nothing


def test_a_cog_with_overviews_and_a_vrt_mosaic_input(inputs, scheduler, tmp_path):
    run = run_cluster(inputs, tmp_path / "cog", ClusterSettings(scheduler=scheduler, cog=True))
    files = run.outputs["mosaic"]
    cogs = {kind: files[f"{kind}_cog"] for kind in KINDS}
    assert_same_as_serial(inputs, cogs)
    with rasterio.open(cogs["classes"]) as cog:
        assert cog.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert cog.overviews(1) and cog.profile["compress"] == "deflate"
    assert cogs["classes"].with_suffix(".qml").exists()
    # the same pixels read through a VRT of two halves predict the same map
    vrt = halves_vrt(inputs["raster"], tmp_path / "halves")
    from isage_core.cluster.run import predict_on_cluster

    mosaic = predict_on_cluster(
        [FrameTask(vrt, "mosaic", tmp_path / "from_vrt")],
        inputs["model"],
        SETTINGS,
        ClusterSettings(scheduler=scheduler),
    )
    assert_same_as_serial(inputs, mosaic.outputs["mosaic"])


def halves_vrt(raster: Path, folder: Path, second_crs: str | None = None) -> Path:
    """A VRT mosaic of the raster's top and bottom halves, each its own GeoTIFF."""
    folder.mkdir()
    with rasterio.open(raster) as src:
        data, transform, crs = src.read(), src.transform, src.crs
    half = data.shape[1] // 2
    top = write_frame(folder / "top.tif", np.ascontiguousarray(data[:, :half]), transform=transform)
    bottom_transform = transform * transform.translation(0, half)
    bottom = write_frame(
        folder / "bottom.tif", np.ascontiguousarray(data[:, half:]), transform=bottom_transform
    )
    if second_crs:
        with rasterio.open(bottom, "r+") as dst:
            dst.crs = second_crs
    bands = ""
    for band in range(1, data.shape[0] + 1):
        sources = ""
        for path, offset, rows in ((top, 0, half), (bottom, half, data.shape[1] - half)):
            sources += (
                f"<SimpleSource><SourceFilename relativeToVRT='1'>{path.name}</SourceFilename>"
                f"<SourceBand>{band}</SourceBand><SrcRect xOff='0' yOff='0' xSize='{data.shape[2]}' "
                f"ySize='{rows}'/><DstRect xOff='0' yOff='{offset}' xSize='{data.shape[2]}' ySize='{rows}'/>"
                "</SimpleSource>"
            )
        bands += f"<VRTRasterBand dataType='Byte' band='{band}'>{sources}</VRTRasterBand>"
    geo = ", ".join(
        repr(v) for v in (transform.c, transform.a, transform.b, transform.f, transform.d, transform.e)
    )
    path = folder / "mosaic.vrt"
    path.write_text(
        f"<VRTDataset rasterXSize='{data.shape[2]}' rasterYSize='{data.shape[1]}'><SRS>{crs.to_wkt()}</SRS>"
        f"<GeoTransform>{geo}</GeoTransform>{bands}</VRTDataset>"
    )
    return path


def test_a_vrt_mixing_crss_is_refused_with_nothing_written(inputs, tmp_path):
    vrt = halves_vrt(inputs["raster"], tmp_path / "mixed", second_crs="EPSG:32723")
    for extra in ([], ["--local-workers", "1"]):
        out = tmp_path / f"out{len(extra)}"
        proc = cli(
            "predict", "--raster", str(vrt), "--model", str(inputs["model"]), "--out", str(out), *extra
        )
        assert proc.returncode == 2, proc.stderr
        assert "mixes CRSs" in proc.stdout + proc.stderr and "bottom.tif" in proc.stdout + proc.stderr
        assert not out.exists()


def test_cluster_options_are_checked(inputs, tmp_path):
    proc = cli("predict", "--raster", str(inputs["raster"]), "--model", str(inputs["model"]), "--out",
               str(tmp_path / "o"), "--resume")  # fmt: skip
    assert proc.returncode == 2 and "belong to a cluster run" in proc.stdout + proc.stderr
    proc = cli("predict", "--raster", str(inputs["raster"]), "--model", str(inputs["model"]), "--out",
               str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9", "--local-workers", "2")  # fmt: skip
    assert proc.returncode == 2 and "give one of" in proc.stdout + proc.stderr
    proc = cli("predict", "--raster", str(inputs["raster"]), "--model", str(inputs["model"]), "--out",
               str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "2")  # fmt: skip
    assert proc.returncode == 2 and "could not reach the Dask scheduler" in proc.stdout + proc.stderr
    assert not (tmp_path / "o").exists()  # refused: nothing written


def test_a_cancel_stops_the_parts_and_leaves_no_half_written_part(inputs, tmp_path):
    token = CancelToken()

    def progress(fraction: float, message: str = "") -> None:
        if message.startswith("part"):
            token.cancel("stopped by the test")

    with pytest.raises(Cancelled):
        run_cluster(
            inputs, tmp_path / "out", ClusterSettings(local_workers=2), progress=progress, cancel=token
        )
    parts = sorted((tmp_path / "out" / "mosaic_parts").rglob("*.tif"))
    assert 0 < len(parts) < 32  # stopped before every part was computed
    for path in parts:  # every part under its final name reads whole
        with rasterio.open(path) as src:
            src.read(1)
    assert no_partial_files(tmp_path / "out")
    assert not (tmp_path / "out" / "mosaic_classes.vrt").exists()


def test_sigterm_stops_a_cluster_run_from_the_command_line(inputs, tmp_path):
    out = tmp_path / "out"
    args = ["predict", "--raster", str(inputs["raster"]), "--model", str(inputs["model"]), "--out", str(out),
            "--tile-size", "128", "--overlap", "16", "--block-size", "100", "--backend", "torch",
            "--local-workers", "2"]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "isage_core.cli", "--json", *args], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    events = []
    for line in proc.stdout:
        events.append(json.loads(line))
        if events[-1].get("event") == "progress" and "part" in events[-1].get("message", ""):
            proc.send_signal(signal.SIGTERM)
            break
    rest = proc.communicate(timeout=120)[0]
    assert proc.returncode == 130, rest
    assert "stopped by SIGTERM" in rest
    assert no_partial_files(out) and not (out / "mosaic_classes.vrt").exists()


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "isage_core.cli", *argv], capture_output=True, text=True, timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
