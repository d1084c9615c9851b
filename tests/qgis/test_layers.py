"""Result layers: class rasters paletted in the class colours, heatmaps in pseudocolour, grouped per
iteration; the click layer styled. Rasters are real engine outputs (made in a subprocess)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from qgis.core import QgsLayerTree, QgsRasterLayer

from isage_qgis.layers import results as layers
from isage_qgis.layers.styles import heatmap_ramp
from isage_qgis.record.model import ClassInfo

CLASSES = [
    ClassInfo(0, "background", "#9e9e9e"),
    ClassInfo(1, "car", "#e53935"),
    ClassInfo(2, "road", "#3c3c3c"),
    ClassInfo(3, "building", "#ff9800"),
    ClassInfo(4, "permeable", "#43a047"),
]


@pytest.fixture
def outputs(engine_workspace, tmp_path):
    """Engine outputs laid out as a workspace's: ``outputs/iteration_NNN/<frame>_<kind>.tif``."""
    predicted = engine_workspace.root / "predicted"
    classes, confidence = predicted / "train_1_classes.tif", predicted / "train_1_confidence.tif"
    assert classes.is_file() and confidence.is_file()

    def make(
        iteration: int, frame: str = "train_1", kinds=("classes", "confidence"), scope: str = ""
    ) -> dict:
        folder = tmp_path / "outputs" / f"iteration_{iteration:03d}" / scope
        folder.mkdir(parents=True, exist_ok=True)
        result = {}
        for kind in kinds:
            target = folder / f"{frame}_{kind}.tif"
            shutil.copy(classes if kind == "classes" else confidence, target)
            result[f"{frame}_{kind}"] = str(target)
        return result

    return make


def tree_names(group) -> list[str]:
    return [child.name() for child in group.children()]


def test_split_outputs_by_frame_iteration_and_scope(tmp_path):
    base = tmp_path / "outputs" / "iteration_003"
    found = layers.split_outputs(
        {
            "train_1_classes": str(base / "train_1_classes.tif"),
            "train_1_confidence": str(base / "train_1_confidence.tif"),
            "scene_a_b_change": str(base / "extent" / "scene_a_b_change.tif"),
            "model": str(tmp_path / "m.safetensors"),  # not a raster output: ignored
        }
    )
    by_frame = {f.frame: f for f in found}
    assert set(by_frame) == {"train_1", "scene_a_b"}
    assert by_frame["train_1"].iteration == 3 and set(by_frame["train_1"].paths) == {"classes", "confidence"}
    assert (
        by_frame["scene_a_b"].scope == "extent" and by_frame["scene_a_b"].group_name == "scene_a_b (extent)"
    )
    assert layers.split_outputs({"x_classes": "/elsewhere/x_classes.tif"}, iteration=7)[0].iteration == 7
    # a mosaic is not a frame, and a frame may be called "mosaic"
    outputs = {
        "mosaic/classes_EPSG_4326": str(base / "mosaic" / "iteration_003_classes_EPSG_4326.vrt"),
        "mosaic_classes": str(base / "mosaic_classes.tif"),
    }
    assert [(f.frame, set(f.paths)) for f in layers.split_outputs(outputs)] == [("mosaic", {"classes"})]
    info = {"kind": "classes", "crs": "EPSG:4326", "frames": ["a", "b"]}
    found = layers.split_mosaics(outputs, {"mosaic/classes_EPSG_4326": info, "mosaic/gone": info})
    assert found == [
        layers.MosaicOutput(
            "mosaic/classes_EPSG_4326",
            "classes",
            outputs["mosaic/classes_EPSG_4326"],
            3,
            "EPSG:4326",
            ("a", "b"),
        )
    ]


def test_results_are_styled_and_grouped_per_iteration(outputs, qgis_new_project):
    added = layers.add_results(
        qgis_new_project, outputs(2, kinds=("classes", "confidence", "change", "error")), CLASSES
    )
    assert len(added) == 4 and all(isinstance(lyr, QgsRasterLayer) and lyr.isValid() for lyr in added)
    root = qgis_new_project.layerTreeRoot()
    group = root.findGroup("iSAGE iteration 2")
    assert group is not None and tree_names(group) == ["train_1"]
    frame_group = group.findGroup("train_1")
    assert tree_names(frame_group) == [
        "train_1 classes",
        "train_1 confidence",
        "train_1 change",
        "train_1 error",
    ]
    classes_layer = qgis_new_project.mapLayersByName("train_1 classes")[0]
    renderer = classes_layer.renderer()
    assert renderer.type() == "paletted"
    assert [(int(c.value), c.color.name(), c.label) for c in renderer.classes()] == [
        (c.id, c.color, c.name) for c in CLASSES
    ]
    for kind in ("confidence", "change", "error"):
        layer = qgis_new_project.mapLayersByName(f"train_1 {kind}")[0]
        heat = layer.renderer()
        assert heat.type() == "singlebandpseudocolor", kind
        assert (heat.classificationMin(), heat.classificationMax()) == (0.0, 1.0)
        items = heat.shader().rasterShaderFunction().colorRampItemList()
        assert items[0].value == 0.0 and items[-1].value == 1.0
        ramp = heatmap_ramp(kind)
        assert (
            items[0].color.name() == ramp.color(0.0).name()
            and items[-1].color.name() == ramp.color(1.0).name()
        )
        assert root.findLayer(layer.id()).itemVisibilityChecked() is False  # heatmaps start hidden
    assert root.findLayer(classes_layer.id()).itemVisibilityChecked() is True


def test_same_iteration_and_frame_replaces_newer_iteration_goes_on_top(outputs, qgis_new_project):
    first = {lyr.id() for lyr in layers.add_results(qgis_new_project, outputs(0), CLASSES)}
    again = {lyr.id() for lyr in layers.add_results(qgis_new_project, outputs(0), CLASSES)}
    assert len(qgis_new_project.mapLayers()) == 2  # replaced, not duplicated
    assert not first & set(qgis_new_project.mapLayers())
    layers.add_results(qgis_new_project, outputs(0, frame="train_1000"), CLASSES)
    layers.add_results(qgis_new_project, outputs(0, scope="extent"), CLASSES)
    group0 = qgis_new_project.layerTreeRoot().findGroup("iSAGE iteration 0")
    assert tree_names(group0) == ["train_1", "train_1000", "train_1 (extent)"]
    layers.add_results(qgis_new_project, outputs(1), CLASSES)
    root = qgis_new_project.layerTreeRoot()
    assert tree_names(root)[:2] == ["iSAGE iteration 1", "iSAGE iteration 0"]
    assert root.findGroup("iSAGE iteration 0").itemVisibilityChecked() is False  # older results hidden
    assert root.findGroup("iSAGE iteration 1").itemVisibilityChecked() is True
    assert again <= set(qgis_new_project.mapLayers())


@pytest.fixture(scope="module")
def twelve_frames(engine_workspace, engine_cli):
    """A copy of the workspace with twelve of the sample's frames (one CRS, a gap between neighbours),
    predicted by the engine: ``(outputs folder, the predict result)``."""
    ws = engine_workspace.copy("twelve")
    images = sorted((engine_workspace.root / "sample" / "train" / "images").glob("train_*.tif"))
    extra = [str(p) for p in images if p.stem not in engine_workspace.images][:10]
    engine_cli("frames", "add", str(ws), *extra)
    result = next(e for e in engine_cli("predict", str(ws), "--tile-size", "256") if e["event"] == "result")
    return ws / "outputs" / "iteration_000", result


def test_an_iteration_over_many_frames_shows_one_layer_per_output(twelve_frames, qgis_new_project):
    folder, result = twelve_frames
    outputs, mosaics = result["outputs"], result["mosaics"]
    frames = {key.rpartition("_")[0] for key in outputs if key.endswith("_classes")}
    assert len(frames) == 12 and len(outputs) == 2 * 12 + 2  # each frame's files are still reported
    added = layers.add_results(qgis_new_project, outputs, CLASSES, mosaics=mosaics)
    root = qgis_new_project.layerTreeRoot()
    group = root.findGroup("iSAGE iteration 0")
    assert tree_names(group) == ["iteration 0 classes", "iteration 0 confidence"]  # no per-frame groups
    assert [lyr.name() for lyr in added] == tree_names(group) and len(qgis_new_project.mapLayers()) == 2
    classes, confidence = added
    assert Path(classes.source()) == folder / "mosaic" / "iteration_000_classes.vrt"
    for layer, kind in ((classes, "classes"), (confidence, "confidence")):
        assert layer.customProperty(layers.PROP_ROLE) == "result"
        assert layer.customProperty(layers.PROP_KIND) == kind
        assert int(layer.customProperty(layers.PROP_ITERATION)) == 0
        assert layer.customProperty(layers.PROP_MOSAIC) == f"mosaic/{kind}"
        for frame in frames:  # the mosaic covers every frame
            one = QgsRasterLayer(outputs[f"{frame}_{kind}"], frame, "gdal")
            assert layer.extent().buffered(0.01).contains(one.extent()), (kind, frame)  # 0.01 m: rounding
    assert classes.renderer().type() == "paletted"
    assert [(int(c.value), c.color.name(), c.label) for c in classes.renderer().classes()] == [
        (c.id, c.color, c.name) for c in CLASSES
    ]
    heat = confidence.renderer()
    assert heat.type() == "singlebandpseudocolor" and (
        heat.classificationMin(),
        heat.classificationMax(),
    ) == (
        0.0,
        1.0,
    )
    assert root.findLayer(classes.id()).itemVisibilityChecked() is True
    assert root.findLayer(confidence.id()).itemVisibilityChecked() is False
    # the class edits restyle the mosaic; predicting again replaces it; releasing the folder frees it
    recoloured = [c if c.id != 1 else ClassInfo(1, "vehicle", "#0000ff") for c in CLASSES]
    assert layers.restyle_classes(qgis_new_project, recoloured) == 1
    assert classes.renderer().classes()[1].label == "vehicle"
    again = layers.add_results(qgis_new_project, outputs, CLASSES, mosaics=mosaics)
    assert len(qgis_new_project.mapLayers()) == 2 and {lyr.id() for lyr in again} == set(
        qgis_new_project.mapLayers()
    )
    assert layers.release_layers_under(qgis_new_project, folder) == 2


def test_frames_a_mosaic_leaves_out_keep_their_layers_and_extent_results_leave_mosaics(
    twelve_frames, outputs, qgis_new_project
):
    folder, result = twelve_frames
    mosaics = {key: dict(info) for key, info in result["mosaics"].items()}
    mosaics["mosaic/classes"]["frames"] = [
        f for f in mosaics["mosaic/classes"]["frames"] if f != "train_1000"
    ]
    layers.add_results(qgis_new_project, result["outputs"], CLASSES, mosaics=mosaics)
    group = qgis_new_project.layerTreeRoot().findGroup("iSAGE iteration 0")
    assert tree_names(group) == ["iteration 0 classes", "iteration 0 confidence", "train_1000"]
    assert tree_names(group.findGroup("train_1000")) == ["train_1000 classes"]
    layers.add_results(qgis_new_project, outputs(0, scope="extent"), CLASSES)  # a visible-extent prediction
    assert tree_names(group) == [
        "iteration 0 classes",
        "iteration 0 confidence",
        "train_1000",
        "train_1 (extent)",
    ]
    # the iteration down to one frame: whole-frame results without mosaics put the frame layers back
    layers.add_results(qgis_new_project, outputs(0), CLASSES, mosaics={})
    assert tree_names(group) == ["train_1000", "train_1 (extent)", "train_1"]
    assert not [
        lyr for lyr in qgis_new_project.mapLayers().values() if lyr.customProperty(layers.PROP_MOSAIC)
    ]


def test_mosaics_of_several_crss_are_named_with_their_crs(twelve_frames, qgis_new_project):
    _, result = twelve_frames
    outputs = {"mosaic/classes_EPSG_31983": result["outputs"]["mosaic/classes"]}
    outputs["mosaic/classes_EPSG_4326"] = outputs["mosaic/classes_EPSG_31983"]  # another CRS's, for the names
    mosaics = {
        "mosaic/classes_EPSG_31983": {"kind": "classes", "crs": "EPSG:31983", "frames": ["train_1"]},
        "mosaic/classes_EPSG_4326": {"kind": "classes", "crs": "EPSG:4326", "frames": ["train_1000"]},
    }
    added = layers.add_results(qgis_new_project, outputs, CLASSES, mosaics=mosaics)
    assert [lyr.name() for lyr in added] == [
        "iteration 0 classes (EPSG:31983)",
        "iteration 0 classes (EPSG:4326)",
    ]


def test_click_layer_styled_on_top_and_results_below(outputs, qgis_new_project, engine_workspace):
    click_layer = layers.add_click_layer(qgis_new_project, engine_workspace.record, CLASSES)
    assert click_layer is not None and click_layer.isValid()
    assert layers.add_click_layer(qgis_new_project, engine_workspace.record, CLASSES) is click_layer  # reused
    renderer = click_layer.renderer()
    assert renderer.type() == "categorizedSymbol"
    assert {int(c.value()): c.symbol().color().name() for c in renderer.categories()} == {
        c.id: c.color for c in CLASSES
    }
    layers.add_results(qgis_new_project, outputs(0), CLASSES)
    layers.add_results(qgis_new_project, outputs(1), CLASSES)
    top = qgis_new_project.layerTreeRoot().children()
    assert QgsLayerTree.isLayer(top[0]) and top[0].layer() is click_layer
    assert [n.name() for n in top[1:]] == ["iSAGE iteration 1", "iSAGE iteration 0"]
    layers.remove_click_layers(qgis_new_project, engine_workspace.record)
    assert layers.find_click_layer(qgis_new_project, engine_workspace.record) is None


def test_restyle_after_a_class_edit(outputs, qgis_new_project):
    layers.add_results(qgis_new_project, outputs(0), CLASSES)
    recoloured = [c if c.id != 1 else ClassInfo(1, "vehicle", "#0000ff") for c in CLASSES]
    assert layers.restyle_classes(qgis_new_project, recoloured) == 1
    palette = qgis_new_project.mapLayersByName("train_1 classes")[0].renderer().classes()
    assert (palette[1].color.name(), palette[1].label) == ("#0000ff", "vehicle")


def test_unreadable_output_is_skipped_and_release_frees_files(outputs, qgis_new_project, tmp_path):
    made = outputs(4)
    broken = Path(made["train_1_confidence"])
    broken.write_bytes(b"not a raster")
    added = layers.add_results(qgis_new_project, made, CLASSES)
    assert [lyr.name() for lyr in added] == ["train_1 classes"]
    assert layers.release_layers_under(qgis_new_project, tmp_path / "outputs" / "iteration_004") == 1
    assert not qgis_new_project.mapLayers()


def test_outputs_opened_by_hand_show_the_classes_by_name_and_colour(engine_workspace, engine_cli, tmp_path):
    """Without the plugin's styling (a colleague opens the files): the class raster's .qml and the
    vectorised GeoPackage's default style give legends of the classes only, named and coloured."""
    from qgis.core import QgsVectorLayer

    folder = tmp_path / "shared"
    folder.mkdir()
    raster = folder / engine_workspace.classes_raster.name
    shutil.copy(engine_workspace.classes_raster, raster)
    shutil.copy(engine_workspace.classes_raster.with_suffix(".qml"), raster.with_suffix(".qml"))
    layer = QgsRasterLayer(str(raster), "classes", "gdal")  # loads the .qml beside it, as QGIS does
    assert layer.isValid() and layer.renderer().type() == "paletted"
    labels = [c.label for c in layer.renderer().classes()]
    assert labels == ["background", "car", "road", "building", "permeable"]
    assert [c.color.name() for c in layer.renderer().classes()] == [
        "#9e9e9e", "#e53935", "#3c3c3c", "#ff9800", "#43a047"
    ]  # fmt: skip

    polygons = folder / "polygons.gpkg"
    engine_cli("vectorize", str(raster), str(polygons))
    vector = QgsVectorLayer(str(polygons), "polygons", "ogr")  # loads the GeoPackage's default style
    assert vector.isValid() and vector.renderer().type() == "categorizedSymbol"
    assert vector.renderer().classAttribute() == "class_id"
    categories = vector.renderer().categories()
    named = {int(c.value()): c.label() for c in categories}
    assert named.items() <= {0: "background", 1: "car", 2: "road", 3: "building", 4: "permeable"}.items()
    assert {int(c.value()): c.symbol().color().name() for c in categories}[0] == "#9e9e9e"
