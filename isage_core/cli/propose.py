"""``isage propose``: where to click next, written to ``proposals.gpkg`` (never into the click record)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cancel import CancelToken
from ..settings import PredictSettings, ProposeSettings
from .reporters import Reporter


def add_propose_options(p: argparse.ArgumentParser) -> None:
    d, predict = ProposeSettings(), ProposeSettings().predict
    p.add_argument("workspace")
    p.add_argument("--frame", action="append", help="frame name (repeatable; default all)")
    p.add_argument("--model", help="model file (default: the workspace's latest)")
    p.add_argument("--out", help="the GeoPackage to write (default: outputs/iteration_NNN/proposals.gpkg)")
    p.add_argument(
        "--per-frame", type=int, help="proposals per frame (default: --per-class for each class present)"
    )
    p.add_argument(
        "--per-class", type=int, default=d.per_class,
        help="proposals per class present in the prediction: more leave room for those whose class the "
        "person has already clicked on the frame this round",
    )  # fmt: skip
    p.add_argument(
        "--spacing", type=int, default=d.spacing, help="pixels kept from clicks, nodata and other proposals"
    )
    p.add_argument(
        "--typical-until", type=int, default=d.typical_until,
        help="a class with fewer clicks than this on a frame gets a typical proposal, else an uncertain one",
    )  # fmt: skip
    p.add_argument("--samples", type=int, default=d.samples, help="encoder feature cells kept per frame")
    p.add_argument("--candidates", type=int, default=d.candidates, help="lowest-margin pixels kept per class")
    p.add_argument("--uncertain-share", type=float, default=d.uncertain_share)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--tile-size", type=int, default=predict.tile_size)
    p.add_argument("--overlap", type=int, default=predict.overlap)
    p.add_argument("--batch-size", type=int, default=predict.batch_size)
    p.add_argument("--block-size", type=int, default=predict.block_size)
    p.add_argument("--device", default=predict.device)
    p.add_argument("--threads", type=int, help="CPU threads (default: every CPU)")


def propose_settings(a: argparse.Namespace) -> ProposeSettings:
    predict = PredictSettings(
        tile_size=a.tile_size, overlap=a.overlap, batch_size=a.batch_size, block_size=a.block_size,
        device=a.device, threads=a.threads,
    )  # fmt: skip
    return ProposeSettings(
        per_frame=a.per_frame, per_class=a.per_class, spacing=a.spacing, typical_until=a.typical_until,
        samples=a.samples, candidates=a.candidates, uncertain_share=a.uncertain_share, seed=a.seed,
        predict=predict,
    )  # fmt: skip


def propose_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..proposals.run import propose_workspace
    from ..record.workspace import Workspace

    result = propose_workspace(
        Workspace.open(a.workspace), propose_settings(a), frames=a.frame, model_path=a.model, out=a.out,
        progress=reporter.progress, cancel=cancel,
    )  # fmt: skip
    reporter.result(outputs={"proposals": Path(result.path).resolve()}, **result.describe())
