"""The ``isage`` options several subcommands share (model, training, prediction) and the settings objects
they make."""

from __future__ import annotations

import argparse

from ..errors import IsageError
from ..inference.backends import BACKENDS, PRECISIONS
from ..settings import ModelSettings, PredictSettings, TrainSettings


def add_model_options(p: argparse.ArgumentParser) -> None:
    d = ModelSettings()
    p.add_argument("--architecture", default=d.architecture, help="smp architecture (unet, fpn, ...)")
    p.add_argument("--encoder", default=d.encoder, help="smp encoder name")
    p.add_argument("--weights", default=d.weights, choices=["auto", "offline", "imagenet", "none"])
    p.add_argument("--decoder-channels", help="comma-separated, e.g. 64,32,16,16,8 (U-Net)")
    p.add_argument("--bands", help="1-based bands to use, comma-separated (default: all)")


def add_train_options(p: argparse.ArgumentParser) -> None:
    d = TrainSettings()
    p.add_argument("--steps", type=int, help="optimisation steps (default: the schedule for a laptop CPU)")
    p.add_argument("--epochs", type=int, help="epoch schedule instead (one patch per click per epoch; GPUs)")
    p.add_argument(
        "--frame-epochs", type=int, help="epochs of one patch per frame with clicks (the authors')"
    )
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--patch-size", type=int, default=d.patch_size)
    p.add_argument("--lr", type=float, default=d.learning_rate)
    p.add_argument(
        "--lr-schedule", choices=["constant", "cosine"], default=d.lr_schedule, help="learning rate in a run"
    )
    p.add_argument(
        "--schedule", choices=["auto", "fixed", "converge"], default=d.schedule,
        help="converge: train until the clicks fit and the loss settles, within --time-budget (the "
        "default); fixed: the step count (the default when --steps, --epochs or --frame-epochs is given)",
    )  # fmt: skip
    p.add_argument("--max-steps", type=int, default=d.max_steps, help="the converge schedule's cap")
    p.add_argument(
        "--time-budget", type=float, default=d.time_budget_s,
        help="converge: seconds of training at most (0: no limit but --max-steps)",
    )  # fmt: skip
    p.add_argument(
        "--press-budget", type=float, default=d.press_budget_s,
        help="live training: seconds of steps a Train press may take to anneal the round (0: no limit)",
    )  # fmt: skip
    p.add_argument("--check-steps", type=int, default=d.check_steps, help="converge: steps between checks")
    p.add_argument("--fit-target", type=float, default=d.fit_target, help="converge: clicks' fit rate")
    p.add_argument("--plateau", type=float, default=d.plateau, help="converge: relative loss gain")
    p.add_argument("--grad-clip", type=float, default=d.grad_clip, help="clip the gradient norm")
    p.add_argument("--loss", choices=["ewdl", "ce"], default=d.loss)
    p.add_argument("--error-weight", type=float, default=d.error_weight, help="lambda of the EWDL (1: Dice)")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--no-warm-start", action="store_true")
    p.add_argument("--no-amp", action="store_true")
    p.add_argument("--device", default=d.device, help="auto, cpu, cuda, cuda:1, mps")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument(
        "--allow-input-mismatch", action="store_true",
        help="use rasters whose bands, data type or values differ from the model's training frames",
    )  # fmt: skip


def add_predict_options(p: argparse.ArgumentParser) -> None:
    d = PredictSettings()
    p.add_argument("--tile-size", type=int, default=d.tile_size)
    p.add_argument("--overlap", type=int, default=d.overlap)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument(
        "--block-size", type=int, default=d.block_size,
        help="output block predicted at once (pixels): bounds memory whatever the raster size",
    )  # fmt: skip
    p.add_argument("--device", default=d.device)
    p.add_argument(
        "--backend", choices=BACKENDS, default=d.backend,
        help="auto: OpenVINO (else onnxruntime) on a CPU, on the graph exported once per model and cached "
        "beside it; torch on a GPU",
    )  # fmt: skip
    p.add_argument(
        "--precision", choices=PRECISIONS, default=d.precision,
        help="OpenVINO's: auto takes bfloat16 where the CPU computes it (AMX, AVX-512 BF16) and a guard "
        "against float32 passes; f32 never reduces it; bf16 insists",
    )  # fmt: skip
    p.add_argument(
        "--threads", type=int, help="CPU threads per block (default: every CPU; 1 on a cluster worker)"
    )
    p.add_argument("--extent", nargs=4, type=float, metavar=("XMIN", "YMIN", "XMAX", "YMAX"))
    p.add_argument("--aoi", help="vector file whose polygons limit the prediction")
    p.add_argument("--reference", help="reference class raster: adds the confident-error heatmap")
    p.add_argument("--heatmaps", default=",".join(d.heatmaps), help="comma list of confidence,change,error")
    p.add_argument(
        "--allow-input-mismatch", action="store_true",
        help="use rasters whose bands, data type or values differ from the model's training frames",
    )  # fmt: skip


def int_list(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError as exc:
        raise IsageError(f"'{text}' is not a comma-separated list of integers; write e.g. 1,2,3") from exc


def model_settings(a: argparse.Namespace) -> ModelSettings:
    return ModelSettings(
        a.architecture, a.encoder, a.weights, int_list(a.decoder_channels), int_list(a.bands)
    )


def train_settings(a: argparse.Namespace) -> TrainSettings:
    return TrainSettings(
        steps=a.steps,
        epochs=a.epochs,
        frame_epochs=a.frame_epochs,
        batch_size=a.batch_size,
        patch_size=a.patch_size,
        learning_rate=a.lr,
        lr_schedule=a.lr_schedule,
        grad_clip=a.grad_clip,
        schedule=a.schedule,
        max_steps=a.max_steps,
        time_budget_s=a.time_budget or None,
        press_budget_s=a.press_budget or None,
        check_steps=a.check_steps,
        fit_target=a.fit_target,
        plateau=a.plateau,
        loss=a.loss,
        error_weight=a.error_weight,
        augment=not a.no_augment,
        amp=not a.no_amp,
        device=a.device,
        seed=a.seed,
        warm_start=not a.no_warm_start,
        allow_input_mismatch=a.allow_input_mismatch,
    )


def predict_settings(a: argparse.Namespace) -> PredictSettings:
    heatmaps = tuple(h for h in a.heatmaps.split(",") if h)
    wrong = [h for h in heatmaps if h not in ("confidence", "change", "error")]
    if wrong:
        raise IsageError(f"unknown heatmap {', '.join(wrong)}; choose among confidence, change, error")
    return PredictSettings(
        tile_size=a.tile_size,
        overlap=a.overlap,
        batch_size=a.batch_size,
        block_size=a.block_size,
        device=a.device,
        heatmaps=heatmaps,
        extent=tuple(a.extent) if a.extent else None,
        aoi=a.aoi,
        reference=a.reference,
        allow_input_mismatch=a.allow_input_mismatch,
        backend=a.backend,
        precision=a.precision,
        threads=a.threads,
    )
