"""The one place that adds iSAGE result layers to a project, styled and grouped per iteration.

Works from data only: the engine's ``outputs`` (``<frame>_<kind>`` -> path, and the iteration's mosaics
``mosaic/<kind>...`` with what each covers) and the class list. Layer tree: ``iSAGE iteration N`` >
``iteration N classes``, ``iteration N confidence``... (one layer per mosaic, over many frames), then
``<frame>`` > ``<frame> classes``, ``<frame> confidence``... for the frames no mosaic shows (a lone frame,
a visible-extent prediction). Adding results of the same iteration and frame again replaces that frame's
layers; whole-frame results of an iteration replace its mosaic layers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from qgis.core import (
    QgsLayerTree,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from ..clicks.style import apply_click_style
from ..record.frames import layer_path, same_file
from ..translation import deferred_tr, tr
from .styles import HEATMAP_KINDS, ClassLike, style_class_layer, style_heatmap_layer, style_proposals_layer

log = logging.getLogger(__name__)

KINDS = ("classes", *HEATMAP_KINDS)
EXTENT_SCOPE = "extent"  # sub-folder of an iteration's outputs holding visible-extent predictions
CLICK_LAYER_NAME = deferred_tr("iSAGE clicks")
PROPOSALS_LAYER_NAME = deferred_tr("iSAGE proposals")
PROPOSALS_KIND = "proposals"
PROP_ROLE = "isage/role"  # on layers: "clicks", "result", "frame"; on groups: "iteration", "frame"
PROP_ITERATION = "isage/iteration"
PROP_FRAME = "isage/frame"
PROP_KIND = "isage/kind"
PROP_SCOPE = "isage/scope"
PROP_MOSAIC = "isage/mosaic"  # on a mosaic's layer: its key in the outputs (``mosaic/<kind>...``)
MOSAIC_PREFIX = "mosaic/"
_ITERATION_DIR = re.compile(r"^iteration_(\d+)$")


@dataclass(frozen=True)
class FrameOutputs:
    """The result rasters of one frame from one prediction run."""

    frame: str
    iteration: int
    paths: dict[str, str] = field(default_factory=dict)  # kind -> file
    scope: str = ""  # "" the whole frame, EXTENT_SCOPE a visible-extent prediction

    @property
    def group_name(self) -> str:
        return self.frame if not self.scope else f"{self.frame} ({self.scope})"


@dataclass(frozen=True)
class MosaicOutput:
    """One mosaic of an iteration: one output kind over several frames (those of one CRS)."""

    key: str
    kind: str
    path: str
    iteration: int
    crs: str = ""
    frames: tuple[str, ...] = ()


def iteration_of(path: str | Path) -> int | None:
    """The iteration of an output file from its ``iteration_NNN`` folder (parent or grandparent)."""
    for folder in list(Path(path).parents)[:2]:
        match = _ITERATION_DIR.match(folder.name)
        if match:
            return int(match.group(1))
    return None


def split_outputs(outputs: Mapping[str, str], iteration: int | None = None) -> list[FrameOutputs]:
    """Group a predict result's ``outputs`` by frame; unknown keys are ignored.

    The iteration comes from the files' ``iteration_NNN`` folder, else ``iteration`` (else 0).
    """
    found: dict[tuple[str, int, str], dict[str, str]] = {}
    for key, path in outputs.items():
        frame, _, kind = str(key).rpartition("_")
        if not frame or kind not in KINDS or str(key).startswith(MOSAIC_PREFIX):
            log.debug("ignoring output %s", key)
            continue
        number = iteration_of(path)
        number = number if number is not None else (iteration if iteration is not None else 0)
        scope = EXTENT_SCOPE if Path(path).parent.name == EXTENT_SCOPE else ""
        found.setdefault((frame, number, scope), {})[kind] = str(path)
    return [FrameOutputs(f, n, paths, s) for (f, n, s), paths in found.items()]


def split_mosaics(
    outputs: Mapping[str, str], mosaics: Mapping[str, Mapping] | None, iteration: int | None = None
) -> list[MosaicOutput]:
    """The mosaics of a predict result: ``mosaics`` (key -> kind, CRS, frames) joined with their paths
    in ``outputs``; entries without a path or of an unknown kind are ignored."""
    found = []
    for key, info in (mosaics or {}).items():
        path, kind = outputs.get(key), info.get("kind")
        if not path or kind not in KINDS:
            log.debug("ignoring mosaic %s", key)
            continue
        number = iteration_of(path)
        number = number if number is not None else (iteration if iteration is not None else 0)
        frames = tuple(str(f) for f in info.get("frames") or ())
        found.append(MosaicOutput(str(key), kind, str(path), number, str(info.get("crs") or ""), frames))
    return found


def group_name(iteration: int) -> str:
    return tr("iSAGE iteration {iteration}").format(iteration=iteration)


def _is_top_node(node) -> bool:
    """The click layer and the proposals layer: they stay above every iteration's rasters."""
    layer = node.layer() if QgsLayerTree.isLayer(node) else None
    return layer is not None and (
        layer.customProperty(PROP_ROLE) == "clicks" or layer.customProperty(PROP_KIND) == PROPOSALS_KIND
    )


def iteration_groups(root: QgsLayerTreeGroup) -> dict[int, QgsLayerTreeGroup]:
    """The top-level iteration groups by iteration number."""
    groups = {}
    for node in root.children():
        if QgsLayerTree.isGroup(node) and node.customProperty(PROP_ROLE) == "iteration":
            groups[int(node.customProperty(PROP_ITERATION))] = node
    return groups


def iteration_group(project: QgsProject, iteration: int) -> QgsLayerTreeGroup:
    """The ``iSAGE iteration N`` group, created below the click and proposals layers and above older
    iterations."""
    root = project.layerTreeRoot()
    groups = iteration_groups(root)
    if iteration in groups:
        return groups[iteration]
    children = root.children()
    index = 0
    while index < len(children) and _is_top_node(children[index]):
        index += 1
    newer = [g for n, g in groups.items() if n > iteration]
    if newer:
        index = max(index, max(children.index(g) for g in newer) + 1)
    group = root.insertGroup(index, group_name(iteration))
    group.setCustomProperty(PROP_ROLE, "iteration")
    group.setCustomProperty(PROP_ITERATION, int(iteration))
    return group


def _frame_group(parent: QgsLayerTreeGroup, outputs: FrameOutputs) -> QgsLayerTreeGroup | None:
    for node in parent.children():
        if (
            QgsLayerTree.isGroup(node)
            and node.customProperty(PROP_FRAME) == outputs.frame
            and (node.customProperty(PROP_SCOPE) or "") == outputs.scope
        ):
            return node
    return None


def remove_group(project: QgsProject, group: QgsLayerTreeGroup) -> None:
    """Remove a group and every layer below it from the project."""
    project.removeMapLayers([layer_id for layer_id in group.findLayerIds()])
    parent = group.parent()
    if parent is not None:
        parent.removeChildNode(group)


def release_layers_under(project: QgsProject, folder: str | Path) -> int:
    """Remove result layers whose file lies under ``folder`` (Windows cannot replace open files)."""
    folder = Path(folder).resolve()
    doomed = []
    for layer in project.mapLayers().values():
        if layer.customProperty(PROP_ROLE) != "result":
            continue
        source = Path(layer.source().split("|")[0]).resolve()
        if folder == source.parent or folder in source.parents:
            doomed.append(layer.id())
    project.removeMapLayers(doomed)
    return len(doomed)


def result_layer(
    path: str, name: str, kind: str, classes: Sequence[ClassLike], opacity: float
) -> QgsRasterLayer:
    """A styled raster layer for one output file (not yet in a project); invalid if unreadable."""
    layer = QgsRasterLayer(str(path), name, "gdal")
    if not layer.isValid():
        return layer
    if kind == "classes":
        style_class_layer(layer, classes, opacity)
    else:
        style_heatmap_layer(layer, kind)
    layer.setCustomProperty(PROP_ROLE, "result")
    layer.setCustomProperty(PROP_KIND, kind)
    return layer


def add_frame_outputs(
    project: QgsProject,
    outputs: FrameOutputs,
    classes: Sequence[ClassLike],
    class_opacity: float = 0.75,
) -> list[QgsRasterLayer]:
    """Add one frame's results under its iteration group, replacing that frame's earlier layers.

    Only the class raster is visible at first; heatmaps sit below it, unchecked. Returns the layers added;
    unreadable files are logged and skipped.
    """
    parent = iteration_group(project, outputs.iteration)
    old = _frame_group(parent, outputs)
    index = parent.children().index(old) if old is not None else len(parent.children())
    if old is not None:
        remove_group(project, old)
    group = parent.insertGroup(index, outputs.group_name)
    group.setCustomProperty(PROP_ROLE, "frame")
    group.setCustomProperty(PROP_FRAME, outputs.frame)
    group.setCustomProperty(PROP_SCOPE, outputs.scope)
    added = []
    for kind in [k for k in KINDS if k in outputs.paths]:
        layer = result_layer(outputs.paths[kind], f"{outputs.frame} {kind}", kind, classes, class_opacity)
        if not layer.isValid():
            log.warning("could not open %s (%s); it is not added", outputs.paths[kind], kind)
            continue
        layer.setCustomProperty(PROP_ITERATION, int(outputs.iteration))
        layer.setCustomProperty(PROP_FRAME, outputs.frame)
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        node.setItemVisibilityChecked(kind == "classes")
        node.setExpanded(kind == "classes")
        added.append(layer)
    if not added:
        parent.removeChildNode(group)
    return added


def mosaic_name(mosaic: MosaicOutput, several: bool) -> str:
    """``iteration N <kind>``, with the CRS when the iteration has several mosaics of that kind."""
    if several and mosaic.crs:
        text = tr("iteration {iteration} {kind} ({crs})")
        return text.format(iteration=mosaic.iteration, kind=mosaic.kind, crs=mosaic.crs)
    return tr("iteration {iteration} {kind}").format(iteration=mosaic.iteration, kind=mosaic.kind)


def mosaic_layers(group: QgsLayerTreeGroup) -> list[QgsRasterLayer]:
    """The mosaic layers directly in an iteration group."""
    layers = [node.layer() for node in group.children() if QgsLayerTree.isLayer(node)]
    return [layer for layer in layers if layer is not None and layer.customProperty(PROP_MOSAIC)]


def replace_mosaics(
    project: QgsProject,
    iteration: int,
    mosaics: Sequence[MosaicOutput],
    classes: Sequence[ClassLike],
    class_opacity: float = 0.75,
) -> list[QgsRasterLayer]:
    """Show ``mosaics`` (all of one iteration) at the top of its group, in place of its earlier mosaic
    layers; only the classes are visible at first. Returns the layers added; unreadable files are logged
    and skipped."""
    parent = iteration_group(project, iteration)
    old = mosaic_layers(parent)
    if old:
        project.removeMapLayers([layer.id() for layer in old])
    kinds = [m.kind for m in mosaics]
    added = []
    for mosaic in sorted(mosaics, key=lambda m: (KINDS.index(m.kind), m.key)):
        name = mosaic_name(mosaic, kinds.count(mosaic.kind) > 1)
        layer = result_layer(mosaic.path, name, mosaic.kind, classes, class_opacity)
        if not layer.isValid():
            log.warning("could not open the mosaic %s; its frames are shown one by one", mosaic.path)
            continue
        layer.setCustomProperty(PROP_ITERATION, int(iteration))
        layer.setCustomProperty(PROP_MOSAIC, mosaic.key)
        project.addMapLayer(layer, False)
        node = parent.insertLayer(len(added), layer)
        node.setItemVisibilityChecked(mosaic.kind == "classes")
        node.setExpanded(mosaic.kind == "classes")
        added.append(layer)
    return added


def _remove_frame_group(project: QgsProject, outputs: FrameOutputs) -> None:
    """Remove the frame's group of its iteration, if any (its frame is now shown by mosaics)."""
    group = _frame_group(iteration_group(project, outputs.iteration), outputs)
    if group is not None:
        remove_group(project, group)


def add_results(
    project: QgsProject,
    outputs: Mapping[str, str],
    classes: Sequence[ClassLike],
    iteration: int | None = None,
    hide_older: bool = True,
    class_opacity: float = 0.75,
    mosaics: Mapping[str, Mapping] | None = None,
) -> list[QgsRasterLayer]:
    """Add a predict result's ``outputs`` (``<frame>_<kind>`` -> path), styled and grouped.

    ``mosaics`` (the result's key -> kind, CRS, frames; given for whole-frame predictions, even empty):
    each shows as one layer in place of its frames' layers of that kind, replacing the iteration's earlier
    mosaic layers; the frames no mosaic covers keep their own. ``hide_older`` unchecks and collapses the
    groups of other iterations so the newest shows.
    """
    added: list[QgsRasterLayer] = []
    frames = split_outputs(outputs, iteration)
    found = split_mosaics(outputs, mosaics, iteration)
    covered: set[tuple[int, str, str]] = set()
    # a result with ``mosaics`` (whole frames) carries all its iteration's (none for one frame): they replace
    whole = {f.iteration for f in frames if not f.scope} if mosaics is not None else set()
    for number in sorted(whole | {m.iteration for m in found}):
        mosaic_list = [m for m in found if m.iteration == number]
        new = replace_mosaics(project, number, mosaic_list, classes, class_opacity)
        added += new
        keys = {layer.customProperty(PROP_MOSAIC) for layer in new}
        covered |= {(m.iteration, f, m.kind) for m in found if m.key in keys for f in m.frames}
    for frame_outputs in frames:
        alone = {
            kind: path
            for kind, path in frame_outputs.paths.items()
            if frame_outputs.scope or (frame_outputs.iteration, frame_outputs.frame, kind) not in covered
        }
        if alone:
            added += add_frame_outputs(project, replace(frame_outputs, paths=alone), classes, class_opacity)
        else:
            _remove_frame_group(project, frame_outputs)
    shown = {f.iteration for f in frames} | {m.iteration for m in found}
    groups = iteration_groups(project.layerTreeRoot())
    for number, group in groups.items():
        if number in shown:
            group.setItemVisibilityChecked(True)
            group.setExpanded(True)
        elif hide_older and shown:
            group.setItemVisibilityChecked(False)
            group.setExpanded(False)
    return added


def restyle_classes(project: QgsProject, classes: Sequence[ClassLike]) -> int:
    """Re-apply the class colours and names to every class raster of the project (after an edit)."""
    count = 0
    for layer in project.mapLayers().values():
        if layer.customProperty(PROP_ROLE) == "result" and layer.customProperty(PROP_KIND) == "classes":
            style_class_layer(layer, classes, layer.opacity())
            count += 1
    return count


def style_click_layer(layer: QgsVectorLayer, classes: Sequence[ClassLike]) -> None:
    """Mark and style the click layer: points in the class colours, retracted clicks not drawn."""
    layer.setCustomProperty(PROP_ROLE, "clicks")
    apply_click_style(layer, list(classes))


def _reads_clicks_of(layer: QgsMapLayer, gpkg: Path) -> bool:
    source = layer.source()
    return (
        isinstance(layer, QgsVectorLayer)
        and "layername=clicks" in source
        and Path(source.split("|")[0]).resolve() == gpkg
    )


def find_click_layer(project: QgsProject, gpkg: str | Path) -> QgsVectorLayer | None:
    """The project's layer showing the clicks of ``gpkg`` (iSAGE's own first), or None."""
    gpkg = Path(gpkg).resolve()
    found = [lyr for lyr in project.mapLayers().values() if _reads_clicks_of(lyr, gpkg)]
    found.sort(key=lambda lyr: lyr.customProperty(PROP_ROLE) != "clicks")
    return found[0] if found else None


def add_click_layer(
    project: QgsProject, gpkg: str | Path, classes: Sequence[ClassLike], name: str = CLICK_LAYER_NAME
) -> QgsVectorLayer | None:
    """Show the clicks of ``gpkg`` at the top of the layer tree, styled (an existing layer is restyled);
    None when the GeoPackage has no readable clicks layer."""
    layer = find_click_layer(project, gpkg)
    if layer is None:
        layer = QgsVectorLayer(f"{Path(gpkg).resolve()}|layername=clicks", tr(name), "ogr")
        if not layer.isValid():
            return None
        project.addMapLayer(layer, False)
        project.layerTreeRoot().insertLayer(0, layer)
    style_click_layer(layer, classes)
    return layer


def add_frame_layer(project: QgsProject, path: str | Path, name: str) -> QgsRasterLayer | None:
    """Show a frame's raster (one downloaded from a service) at the top of the layer tree (under the clicks),
    unless a layer of the project shows that file already; None when it cannot be read."""
    path = Path(path).resolve()
    for layer in project.mapLayers().values():
        if isinstance(layer, QgsRasterLayer) and same_file(layer_path(layer), path):
            return layer
    layer = QgsRasterLayer(str(path), name, "gdal")
    if not layer.isValid():
        return None
    layer.setCustomProperty(PROP_ROLE, "frame")
    project.addMapLayer(layer, False)
    root = project.layerTreeRoot()
    top = root.children()[0] if root.children() else None
    clicks_on_top = (
        QgsLayerTree.isLayer(top) and top.layer() and top.layer().customProperty(PROP_ROLE) == "clicks"
    )
    root.insertLayer(1 if clicks_on_top else 0, layer)
    return layer


def remove_click_layers(project: QgsProject, gpkg: str | Path) -> None:
    """Remove every layer showing the clicks of ``gpkg`` (before re-creating it, or another record opens)."""
    gpkg = Path(gpkg).resolve()
    project.removeMapLayers([lyr.id() for lyr in project.mapLayers().values() if _reads_clicks_of(lyr, gpkg)])


def layers_of(project: QgsProject, role: str) -> Iterable[QgsMapLayer]:
    """The project's layers marked with an iSAGE role (``clicks``, ``result``...)."""
    return [lyr for lyr in project.mapLayers().values() if lyr.customProperty(PROP_ROLE) == role]


def add_proposals_layer(project: QgsProject, path: str | Path, iteration: int) -> QgsVectorLayer | None:
    """Show ``proposals.gpkg`` just below the click layer, replacing every earlier proposals layer (they
    are stale once the model changed); None when the file cannot be read."""
    remove_proposals_layers(project)
    layer = QgsVectorLayer(f"{Path(path).resolve()}|layername=proposals", tr(PROPOSALS_LAYER_NAME), "ogr")
    if not layer.isValid():
        log.warning("could not open the proposals %s; they are not shown", path)
        return None
    style_proposals_layer(layer)
    layer.setCustomProperty(PROP_ROLE, "result")
    layer.setCustomProperty(PROP_KIND, PROPOSALS_KIND)
    layer.setCustomProperty(PROP_ITERATION, int(iteration))
    project.addMapLayer(layer, False)
    root = project.layerTreeRoot()
    children = root.children()
    index = 0
    while index < len(children) and _is_top_node(children[index]):
        index += 1
    root.insertLayer(index, layer)
    return layer


def remove_proposals_layers(project: QgsProject) -> None:
    """Remove the proposals layers (before new proposals; on Windows, before the engine replaces the file)."""
    project.removeMapLayers(
        [lyr.id() for lyr in layers_of(project, "result") if lyr.customProperty(PROP_KIND) == PROPOSALS_KIND]
    )


def proposals_layer(project: QgsProject) -> QgsVectorLayer | None:
    """The project's proposals layer, if one is shown."""
    found = [lyr for lyr in layers_of(project, "result") if lyr.customProperty(PROP_KIND) == PROPOSALS_KIND]
    return found[0] if found else None
