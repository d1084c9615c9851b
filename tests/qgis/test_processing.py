"""Every iSAGE algorithm through ``processing.run`` on real data, in a Modeler chain, and qgis_process."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from isage_qgis.engine import discovery
from isage_qgis.settings import PluginSettings

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CRS = "EPSG:31983"
FAST_PREDICT = {"TILE_SIZE": 128, "OVERLAP": 16, "BATCH_SIZE": 4}
EXPECTED_IDS = {
    "train", "predict", "errorheatmap", "evaluate", "vectorize", "exportmodel", "mergeclicks", "importpoints",
    "benchmark", "predictcluster", "proposeclicks", "assessdesign", "assessreport",
}  # fmt: skip


def run(algorithm: str, parameters: dict) -> dict:
    import processing  # QGIS's Processing plugin, initialised by the qgis_processing fixture

    return processing.run(f"isage:{algorithm}", parameters)


def raster(path: str) -> QgsRasterLayer:
    layer = QgsRasterLayer(str(path), "test", "gdal")
    assert layer.isValid(), path
    return layer


def test_provider_lists_documented_algorithms(isage_provider):
    algorithms = {a.name(): a for a in isage_provider.algorithms()}
    assert set(algorithms) == EXPECTED_IDS
    for algorithm in algorithms.values():
        assert algorithm.shortHelpString().strip(), algorithm.name()
        assert algorithm.group() and algorithm.displayName()
        for parameter in algorithm.parameterDefinitions():
            assert parameter.name() == parameter.name().upper(), parameter.name()
            assert parameter.help().strip(), f"{algorithm.name()}.{parameter.name()} has no help"


def test_plugin_code_imports_only_qgis_and_stdlib():
    forbidden = {"torch", "rasterio", "geopandas", "numpy", "isage_core", "shapely", "pyproj", "osgeo"}
    mine = [
        "engine/worker.py",
        "engine/protocol.py",
        "engine/discovery.py",
        "settings.py",
        "engine/environment.py",
        "log.py",
        "compat.py",
        *(
            str(p.relative_to(REPO / "isage_qgis"))
            for p in (REPO / "isage_qgis" / "processing").rglob("*.py")
        ),
    ]
    for name in mine:
        source = (REPO / "isage_qgis" / name).read_text()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{name} imports {roots & forbidden}"
            assert "qgis.utils" not in {getattr(node, "module", None), *(a.name for a in node.names)}, name
        assert "iface." not in source, f"{name} uses iface (breaks the Modeler and qgis_process)"


def test_train_writes_the_next_iteration(isage_provider, engine_workspace):
    ws = engine_workspace.copy("ws_train_alg")
    result = run("train", {
        "WORKSPACE": str(ws / "clicks.gpkg"), "STEPS": 1, "BATCH_SIZE": 2, "PATCH_SIZE": 64,
        "DEVICE": 2,  # cpu
    })  # fmt: skip
    model = Path(result["MODEL"])
    assert model.is_file() and model.parent == (ws / "models").resolve()
    assert result["ITERATION"] == 1 and model.name == "iteration_001.safetensors"
    assert result["CLICKS_USED"] >= 5 and result["UNRESOLVED"] >= 0


@pytest.mark.timeout(300)
def test_benchmark_writes_the_report_table_and_plot(isage_provider, tmp_path):
    out = tmp_path / "bench"
    result = run("benchmark", {
        "METHODS": "expert-interior,dense", "ITERATIONS": 2, "SEEDS": "3", "MAX_TRAIN_FRAMES": 2,
        "MAX_VAL_FRAMES": 1, "FIRST_STEPS": 2, "STEPS": 1, "BATCH_SIZE": 2, "PATCH_SIZE": 64,
        "ENCODER": "tu-mobilenetv3_small_100", "WEIGHTS": 3, "DECODER_CHANNELS": "64,32,16,16,8",
        "LR_SCHEDULE": 1, "DEVICE": 2, "OUTPUT": str(out),
    })  # fmt: skip
    summary = json.loads(Path(result["JSON"]).read_text())
    assert summary["seeds"] == [3] and summary["train_settings"]["lr_schedule"] == "constant"
    assert [(r["method"], r["iteration"]) for r in summary["rows"]] == [
        ("expert-interior", 0), ("expert-interior", 1), ("dense", 0), ("dense", 1)
    ]  # fmt: skip
    assert Path(result["PLOT"]).stat().st_size > 10_000 and "| dense |" in Path(result["REPORT"]).read_text()
    with pytest.raises(QgsProcessingException, match="must be new or empty, or tick 'Resume'"):
        run("benchmark", {"OUTPUT": str(out)})
    kept = (out / "results" / "seed_3" / "dense.json").read_text()
    again = run("benchmark", {
        "METHODS": "dense,random", "ITERATIONS": 2, "SEEDS": "3", "MAX_TRAIN_FRAMES": 2,
        "MAX_VAL_FRAMES": 1, "FIRST_STEPS": 2, "STEPS": 1, "BATCH_SIZE": 2, "PATCH_SIZE": 64,
        "ENCODER": "tu-mobilenetv3_small_100", "WEIGHTS": 3, "DECODER_CHANNELS": "64,32,16,16,8",
        "LR_SCHEDULE": 1, "DEVICE": 2, "RESUME": True, "OUTPUT": str(out),
    })  # fmt: skip
    assert (out / "results" / "seed_3" / "dense.json").read_text() == kept  # resumed, not rerun
    methods = json.loads(Path(again["JSON"]).read_text())["methods"]
    assert methods == ["dense", "random", "expert-interior"]


def test_predict_with_extent_in_another_crs(isage_provider, engine_workspace, tmp_path):
    image = engine_workspace.images["train_1"]
    layer = raster(image)
    full = layer.extent()
    # the north-west quarter of the frame, given in WGS 84: the algorithm reprojects it
    box = full.buffered(0)
    box.setXMaximum(full.xMinimum() + full.width() / 2)
    box.setYMinimum(full.yMaximum() - full.height() / 2)
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    to_wgs = QgsCoordinateTransform(layer.crs(), wgs84, QgsProject.instance())
    geo = to_wgs.transformBoundingBox(box)
    extent = f"{geo.xMinimum()!r},{geo.xMaximum()!r},{geo.yMinimum()!r},{geo.yMaximum()!r} [EPSG:4326]"
    classes, confidence = tmp_path / "out" / "classes.tif", tmp_path / "out" / "confidence.tif"
    result = run("predict", {
        "INPUT": str(image), "MODEL": str(engine_workspace.model), "EXTENT": extent,
        "OUTPUT_CLASSES": str(classes), "OUTPUT_CONFIDENCE": str(confidence), **FAST_PREDICT,
    })  # fmt: skip
    assert result["OUTPUT_CLASSES"] == str(classes) and result["OUTPUT_CONFIDENCE"] == str(confidence)
    for path in (classes, confidence):
        out = raster(path)
        assert out.crs().authid() == SAMPLE_CRS
        assert 120 <= out.width() <= 140 and 120 <= out.height() <= 140  # about half of 256, both ways
        assert out.extent().intersects(box)
    assert raster(classes).dataProvider().dataType(1) == raster(image).dataProvider().dataType(1)  # Byte
    assert not [p for p in classes.parent.iterdir() if p.name.startswith(".isage-")]  # staging removed


def test_predict_refuses_a_raster_unlike_the_training_frames_unless_allowed(
    isage_provider, engine_workspace, tmp_path
):
    from osgeo import gdal

    source = gdal.Open(str(engine_workspace.images["train_1"]))
    wide = tmp_path / "uint16.tif"  # the same scene as 16-bit: another data type
    gdal.Translate(str(wide), source, outputType=gdal.GDT_UInt16, scaleParams=[[0, 255, 0, 65535]])
    source = None
    out = {
        "OUTPUT_CLASSES": str(tmp_path / "c.tif"),
        "OUTPUT_CONFIDENCE": str(tmp_path / "p.tif"),
        **FAST_PREDICT,
    }
    with pytest.raises(QgsProcessingException, match="uint16 but the model was trained on frames of 3 band"):
        run("predict", {"INPUT": str(wide), "MODEL": str(engine_workspace.model), **out})
    assert not (tmp_path / "c.tif").exists()
    run(
        "predict",
        {"INPUT": str(wide), "MODEL": str(engine_workspace.model), "ALLOW_INPUT_MISMATCH": True, **out},
    )
    assert raster(tmp_path / "c.tif").isValid()


def test_predict_temporary_output_without_heatmap(isage_provider, engine_workspace):
    result = run("predict", {
        "INPUT": str(engine_workspace.images["train_1000"]), "MODEL": str(engine_workspace.model),
        "OUTPUT_CLASSES": "TEMPORARY_OUTPUT", "OUTPUT_CONFIDENCE": None, **FAST_PREDICT,
    })  # fmt: skip
    out = raster(result["OUTPUT_CLASSES"])
    assert (out.width(), out.height()) == (256, 256) and out.crs().authid() == SAMPLE_CRS
    assert not result.get("OUTPUT_CONFIDENCE")
    assert not list(Path(result["OUTPUT_CLASSES"]).parent.glob("*confidence*"))


def test_predict_on_a_local_cluster_gives_the_pixels_of_one_process(
    isage_provider, engine_workspace, engine_cli, tmp_path
):
    from osgeo import gdal

    image = engine_workspace.images["train_1"]
    tiling = ("--tile-size", "128", "--overlap", "16", "--batch-size", "4", "--block-size", "96")
    engine_cli("predict", "--raster", str(image), "--model", str(engine_workspace.model), "--out",
               str(tmp_path / "serial"), "--heatmaps", "confidence", "--threads", "1", *tiling)  # fmt: skip
    folder = tmp_path / "cluster"
    result = run("predictcluster", {
        "INPUT": str(image), "MODEL": str(engine_workspace.model), **FAST_PREDICT, "BLOCK_SIZE": 96,
        "SCHEDULER": "", "LOCAL_WORKERS": 2, "COG": True, "OUTPUT_FOLDER": str(folder),
    })  # fmt: skip
    assert result["OUTPUT_CLASSES"].endswith(".tif") and result["OUTPUT_CONFIDENCE"].endswith(".tif")  # COGs
    parts = sorted((folder / "train_1_parts").rglob("*.tif"))
    assert len(parts) == 2 * 9, parts  # 3x3 parts of 96 px over 256 px, for the classes and the confidence
    for key, kind in (("OUTPUT_CLASSES", "classes"), ("OUTPUT_CONFIDENCE", "confidence")):
        want = gdal.Open(str(tmp_path / "serial" / f"train_1_{kind}.tif")).ReadAsArray()
        for path in (result[key], folder / f"train_1_{kind}.vrt"):
            layer = raster(path)
            assert layer.crs().authid() == SAMPLE_CRS and (layer.width(), layer.height()) == (256, 256)
            got = gdal.Open(str(path)).ReadAsArray()
            assert got.dtype == want.dtype and (got == want).all(), path  # one process, 1 thread per block
    classes = raster(result["OUTPUT_CLASSES"])
    assert classes.renderer().type() == "paletted"  # the class colours travel with the COG
    assert not [p for p in folder.rglob("*") if p.name.startswith(".isage-")]


def test_predict_on_a_tls_scheduler_takes_the_tls_files(isage_provider, engine_workspace, tmp_path):
    """The three files reach the engine, which reads them before anything else (here: not PEM files)."""
    files = {}
    for name in ("TLS_CA", "TLS_CERT", "TLS_KEY"):
        files[name] = tmp_path / f"{name.lower()}.pem"
        files[name].write_text("not a certificate")
    with pytest.raises(QgsProcessingException, match="the TLS files could not be used"):
        run("predictcluster", {
            "INPUT": str(engine_workspace.images["train_1"]), "MODEL": str(engine_workspace.model),
            **FAST_PREDICT, "SCHEDULER": "tls://127.0.0.1:9", **{k: str(v) for k, v in files.items()},
            "OUTPUT_FOLDER": str(tmp_path / "out"),
        })  # fmt: skip


def test_propose_clicks_writes_points_and_leaves_the_record_alone(isage_provider, engine_workspace, tmp_path):
    ws = engine_workspace.copy("ws_propose")
    record = (ws / "clicks.gpkg").read_bytes()
    out = tmp_path / "proposals.gpkg"
    result = run("proposeclicks", {"WORKSPACE": str(ws / "clicks.gpkg"), "SPACING": 8, "OUTPUT": str(out)})
    assert result["PROPOSALS"] == str(out.resolve())
    layer = QgsVectorLayer(str(out), "proposals", "ogr")
    assert layer.isValid() and layer.crs().authid() == SAMPLE_CRS and layer.featureCount() >= 2
    names = {f.name() for f in layer.fields()}
    assert {"frame", "row", "col", "class_id", "class_name", "score", "reason", "rank"} <= names
    assert {f["reason"] for f in layer.getFeatures()} <= {"typical", "uncertain", "changed"}
    assert (ws / "clicks.gpkg").read_bytes() == record
    default = run("proposeclicks", {"WORKSPACE": str(ws), "PER_FRAME": 1})
    assert Path(default["PROPOSALS"]) == (ws / "outputs" / "iteration_000" / "proposals.gpkg").resolve()
    assert QgsVectorLayer(default["PROPOSALS"], "p", "ogr").featureCount() == 2  # one on each of two frames
    counts = []
    for per_class in (1, 2):
        out = str(tmp_path / f"per_class_{per_class}.gpkg")
        written = run("proposeclicks", {"WORKSPACE": str(ws), "PER_CLASS": per_class, "OUTPUT": out})
        counts.append(QgsVectorLayer(written["PROPOSALS"], "p", "ogr").featureCount())
    assert counts[0] < counts[1] <= 2 * counts[0]  # two per class present, as far as pixels allow


def test_error_heatmap(isage_provider, engine_workspace, tmp_path):
    result = run("errorheatmap", {
        "INPUT": str(engine_workspace.images["train_1"]), "REFERENCE": str(engine_workspace.masks["train_1"]),
        "MODEL": str(engine_workspace.model), "OUTPUT": str(tmp_path / "error.tif"), **FAST_PREDICT,
    })  # fmt: skip
    heat = raster(result["OUTPUT"])
    assert heat.crs().authid() == SAMPLE_CRS and (heat.width(), heat.height()) == (256, 256)
    stats = heat.dataProvider().bandStatistics(1)
    assert 0.0 <= stats.minimumValue and stats.maximumValue <= 1.0
    assert not (tmp_path / "error_classes.tif").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "error.tif"
    ]


def test_evaluate_writes_json_and_miou(isage_provider, engine_workspace, tmp_path):
    out, reference = tmp_path / "scores.json", engine_workspace.masks["train_1"]
    result = run("evaluate", {
        "PREDICTION": str(engine_workspace.classes_raster), "REFERENCE": str(reference),
        "WORKSPACE": str(engine_workspace.workspace), "OUTPUT": str(out),
    })  # fmt: skip
    scores = json.loads(out.read_text())
    assert result["OUTPUT"] == str(out)
    assert 0.0 <= result["MIOU"] <= 1.0 and result["MIOU"] == pytest.approx(scores["miou"])
    assert set(scores["per_class_iou"]) == {"background", "car", "road", "building", "permeable"}
    with pytest.raises(QgsProcessingException, match="model file or the workspace"):
        run("evaluate", {
            "PREDICTION": str(engine_workspace.classes_raster), "REFERENCE": str(reference),
            "OUTPUT": str(tmp_path / "never.json"),
        })  # fmt: skip


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_vectorize(isage_provider, engine_workspace, tmp_path, suffix):
    out = tmp_path / f"polygons{suffix}"
    result = run(
        "vectorize", {"INPUT": str(engine_workspace.classes_raster), "MIN_AREA": 4, "OUTPUT": str(out)}
    )
    layer = QgsVectorLayer(result["OUTPUT"], "polygons", "ogr")
    assert layer.isValid() and layer.featureCount() > 0
    assert layer.crs().authid() == SAMPLE_CRS
    assert QgsWkbTypes.geometryType(layer.wkbType()) == QgsWkbTypes.GeometryType.PolygonGeometry
    assert layer.fields().indexOf("class_id") >= 0


def test_export_model_for_deepness(isage_provider, engine_workspace, engine_python, tmp_path):
    out = tmp_path / "deepness" / "model.onnx"
    result = run("exportmodel", {"WORKSPACE": str(engine_workspace.workspace), "OUTPUT": str(out)})
    assert result["OUTPUT"] == str(out) and Path(result["SIDECAR"]) == out.with_name("model.isage.json")
    sidecar = json.loads(Path(result["SIDECAR"]).read_text())
    assert sidecar["class_names"] == ["background", "car", "road", "building", "permeable"]
    assert sidecar["resolution_cm"] == pytest.approx(24.0)  # the sample frames' 0.24 m pixels
    read = subprocess.run(  # onnxruntime, in the engine's Python, as Deepness reads the file
        [engine_python, "-c", "import json, sys, onnxruntime as o; s = o.InferenceSession(sys.argv[1]); "
         "print(json.dumps([s.get_modelmeta().custom_metadata_map, s.get_inputs()[0].shape]))", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    metadata, shape = json.loads(read.stdout)
    assert json.loads(metadata["model_type"]) == "Segmentor" and shape[1:] == [3, 512, 512]
    assert json.loads(metadata["resolution"]) == pytest.approx(24.0)
    with pytest.raises(QgsProcessingException, match="workspace or the model"):
        run("exportmodel", {"OUTPUT": str(tmp_path / "never.onnx")})


def test_merge_clicks_reports_conflicts(isage_provider, engine_workspace, engine_cli, tmp_path):
    def add_click(ws: Path, frame: str, class_id: int, row: int, col: int) -> None:
        engine_cli("click", "add", str(ws), "--frame", frame, "--class", str(class_id), "--row", str(row),
                   "--col", str(col), "--annotator", ws.name)  # fmt: skip

    mine, theirs = engine_workspace.copy("ws_merge_mine"), engine_workspace.copy("ws_merge_theirs")
    add_click(mine, "train_1", 1, 5, 5)
    add_click(theirs, "train_1", 2, 5, 5)  # same pixel, another class: a conflict
    add_click(theirs, "train_1000", 3, 9, 9)
    report = tmp_path / "merge.json"
    result = run("mergeclicks", {
        "WORKSPACE": str(mine), "OTHER": str(theirs / "clicks.gpkg"), "REPORT": str(report),
    })  # fmt: skip
    assert result["ADDED_CLICKS"] == 2 and result["CONFLICTS"] >= 1
    written = json.loads(report.read_text())
    assert len(written["conflicts"]) == result["CONFLICTS"]


def point_layer(engine_workspace, points: list[tuple[str, int, int, str]]) -> QgsVectorLayer:
    """A memory point layer (the frames' CRS) with a ``cls`` field: one feature per (frame, row, col, cls)
    at that pixel's centre."""
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsPointXY
    from qgis.PyQt.QtCore import QVariant

    layer = QgsVectorLayer(f"Point?crs={SAMPLE_CRS}", "survey", "memory")
    layer.dataProvider().addAttributes([QgsField("cls", QVariant.String)])
    layer.updateFields()
    features = []
    for frame, row, col, cls in points:
        grid = raster(engine_workspace.images[frame])
        extent, width, height = grid.extent(), grid.width(), grid.height()
        x = extent.xMinimum() + (col + 0.5) * extent.width() / width
        y = extent.yMaximum() - (row + 0.5) * extent.height() / height
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttribute("cls", cls)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def test_import_points_from_a_memory_layer_and_a_file_all_or_nothing(
    isage_provider, engine_workspace, tmp_path
):
    from qgis.core import QgsVectorFileWriter

    from isage_qgis.record.view import read_record

    ws = engine_workspace.copy("ws_import_points")
    before = len(read_record(ws / "clicks.gpkg").clicks)
    survey = point_layer(engine_workspace, [("train_1", 40, 41, "road"), ("train_1000", 50, 51, "Building")])
    result = run("importpoints", {"WORKSPACE": str(ws), "INPUT": survey, "CLASS_FIELD": "cls"})
    assert result["ADDED"] == 2 and result["REFUSED"] == 0
    assert len(read_record(ws / "clicks.gpkg").clicks) == before + 2

    mixed = point_layer(engine_workspace, [("train_1", 60, 61, "car"), ("train_1", 70, 71, "tree")])
    path = tmp_path / "mixed.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
        mixed, str(path), QgsProject.instance().transformContext(), options
    )
    assert error == QgsVectorFileWriter.WriterError.NoError
    on_file = QgsVectorLayer(str(path), "mixed", "ogr")
    with pytest.raises(QgsProcessingException, match="1 of 2 points refused"):
        run("importpoints", {"WORKSPACE": str(ws), "INPUT": on_file, "CLASS_FIELD": "cls"})
    assert len(read_record(ws / "clicks.gpkg").clicks) == before + 2  # nothing written
    result = run(
        "importpoints", {"WORKSPACE": str(ws), "INPUT": on_file, "CLASS_FIELD": "cls", "KEEP_VALID": True}
    )
    assert result["ADDED"] == 1 and result["REFUSED"] == 1
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(ws / "clicks.gpkg")) as conn:
        notes = [row[0] for row in conn.execute("SELECT note FROM clicks")]
    assert "imported from mixed.gpkg feature 1" in notes  # the file itself was read, not a copy


def test_modeler_chain_predict_then_vectorize(isage_provider, engine_workspace, tmp_path):
    model = QgsProcessingModelAlgorithm("predict and vectorize", "tests")
    model.addModelParameter(
        QgsProcessingParameterRasterLayer("RASTER", "Raster"), QgsProcessingModelParameter("RASTER")
    )
    model.addModelParameter(
        QgsProcessingParameterFile("MODEL_FILE", "Model"), QgsProcessingModelParameter("MODEL_FILE")
    )
    predict = QgsProcessingModelChildAlgorithm("isage:predict")
    predict.setChildId("predict")
    predict.addParameterSources(
        "INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("RASTER")]
    )
    predict.addParameterSources(
        "MODEL", [QgsProcessingModelChildParameterSource.fromModelParameter("MODEL_FILE")]
    )
    for key, value in FAST_PREDICT.items():
        predict.addParameterSources(key, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    vectorize = QgsProcessingModelChildAlgorithm("isage:vectorize")
    vectorize.setChildId("vectorize")
    vectorize.addParameterSources(
        "INPUT", [QgsProcessingModelChildParameterSource.fromChildOutput("predict", "OUTPUT_CLASSES")]
    )
    vectorize.addParameterSources("MIN_AREA", [QgsProcessingModelChildParameterSource.fromStaticValue(0)])
    output = QgsProcessingModelOutput("polygons")
    output.setChildId("vectorize")
    output.setChildOutputName("OUTPUT")
    vectorize.setModelOutputs({"polygons": output})
    model.addChildAlgorithm(predict)
    model.addChildAlgorithm(vectorize)
    ok, issues = model.validate() if hasattr(model, "validate") else (True, [])
    assert ok, issues
    import processing

    out = tmp_path / "chain.gpkg"
    result = processing.run(model, {
        "RASTER": str(engine_workspace.images["train_1000"]), "MODEL_FILE": str(engine_workspace.model),
        "vectorize:polygons": str(out),
    })  # fmt: skip
    layer = QgsVectorLayer(result["vectorize:polygons"], "chain", "ogr")
    assert layer.isValid() and layer.featureCount() > 0 and layer.crs().authid() == SAMPLE_CRS


def _qgis_process() -> str:
    # Debian's /usr/bin/qgis_process wrapper passes --noversioncheck, which qgis_process 3.22 refuses.
    found = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    assert found, "qgis_process is not installed (Debian package qgis)"
    return found


def test_qgis_process_runs_an_algorithm(engine_workspace, engine_python, tmp_path):
    plugins = tmp_path / "plugins"
    staged = plugins / "isage_qgis"
    shutil.copytree(REPO / "isage_qgis", staged, ignore=shutil.ignore_patterns("__pycache__"))
    if (REPO / "metadata.txt").is_file():
        shutil.copy(REPO / "metadata.txt", staged / "metadata.txt")
    else:
        (staged / "metadata.txt").write_text(
            "[general]\nname=iSAGE\nqgisMinimumVersion=3.22\ndescription=iSAGE\nversion=0.1.0\n"
            "author=iSAGE\nemail=isage@example.org\nhasProcessingProvider=yes\n"
        )
    env = {
        **os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins),
        "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"), "ISAGE_PYTHON": engine_python,
    }  # fmt: skip
    binary = _qgis_process()
    enable = subprocess.run(
        [binary, "plugins", "enable", "isage_qgis"], env=env, capture_output=True, text=True, timeout=120
    )
    assert enable.returncode == 0, enable.stdout + enable.stderr
    out = tmp_path / "qp_polygons.gpkg"
    done = subprocess.run(
        [binary, "--json", "run", "isage:vectorize", "--", f"INPUT={engine_workspace.classes_raster}",
         "MIN_AREA=0", f"OUTPUT={out}"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    payload = json.loads(done.stdout[done.stdout.index("{") :])
    assert payload["results"]["OUTPUT"] == str(out)
    layer = QgsVectorLayer(str(out), "qp", "ogr")
    assert layer.isValid() and layer.featureCount() > 0 and layer.crs().authid() == SAMPLE_CRS


def test_an_engine_of_another_version_is_refused_before_the_algorithm_runs(
    isage_provider, engine_workspace, tmp_path
):
    fake = tmp_path / "python"
    result = {"event": "result", "time": "t", "outputs": {}, "environment": {"isage": "0.0.9"}}
    fake.write_text(f"#!/bin/sh\necho '{json.dumps(result)}'\n")
    fake.chmod(0o755)
    saved = PluginSettings.load()
    try:
        PluginSettings(engine_python=str(fake)).save()
        discovery.clear_engine_cache()
        out = tmp_path / "polygons.gpkg"
        with pytest.raises(QgsProcessingException, match="version 0.0.9, this plugin is 0.1.0"):
            run("vectorize", {"INPUT": str(engine_workspace.classes_raster), "OUTPUT": str(out)})
        assert not out.exists()
    finally:
        saved.save()
        discovery.clear_engine_cache()
