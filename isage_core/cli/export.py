"""``isage export``: a model as a self-contained ONNX file for the QGIS plugin Deepness."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..record.workspace import Workspace
from .reporters import Reporter


def add_export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workspace", nargs="?", help="workspace whose latest model to export (or give --model)")
    p.add_argument("--model", help="model file (default: the workspace's latest)")
    p.add_argument("--out", required=True, help="the .onnx file to write (a .isage.json sidecar beside it)")
    p.add_argument("--tile-size", type=int, default=512, help="tile side Deepness runs (a multiple of 32)")
    p.add_argument("--overlap", type=int, default=64, help="tile overlap in pixels")
    p.add_argument(
        "--resolution", type=float,
        help="imagery resolution in cm/px (default: the workspace frames' pixel size, for metre CRSs)",
    )  # fmt: skip


def export_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..model.deepness import DeepnessExport, export_deepness

    if not a.workspace and not a.model:
        raise IsageError("export: give a workspace, or --model")
    resolution = a.resolution
    model = a.model
    if a.workspace:
        from ..loop.predict import resolve_model

        ws = Workspace.open(a.workspace)
        model = resolve_model(ws, a.model)
        resolution = resolution or frames_resolution_cm(ws)
    settings = DeepnessExport(tile_size=a.tile_size, overlap=a.overlap, resolution_cm=resolution)
    files = export_deepness(model, a.out, settings)
    reporter.result(outputs={k: Path(v).resolve() for k, v in files.items()}, resolution_cm=resolution)


def frames_resolution_cm(workspace: Workspace) -> float | None:
    """The frames' pixel size in centimetres when they share one and their CRS is in metres."""
    sizes = set()
    for frame in workspace.record.frames():
        crs = frame.info.crs
        if crs is None or not crs.is_projected or (crs.linear_units or "").lower() not in ("metre", "meter"):
            return None
        a, _, _, _, e, _ = frame.info.transform
        sizes.add(round(100 * (abs(a) + abs(e)) / 2, 3))
    return sizes.pop() if len(sizes) == 1 else None
