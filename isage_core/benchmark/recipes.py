"""Named training recipes a benchmark can follow instead of the product's default.

``authors`` is the fidelity control: the method authors' own recipe for the bundled sample (their
reference platform's bsb_toy training config and training loop), as closely as a CPU without a model hub
allows. What it changes is listed in :attr:`Recipe.trims` and printed in the benchmark's report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from ..errors import IsageError
from ..settings import ModelSettings, TrainSettings
from .config import BenchmarkSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipe:
    """Settings that replace the command line's, and how the recipe departs from its source."""

    name: str
    summary: str
    train: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    benchmark: dict = field(default_factory=dict)
    trims: tuple[str, ...] = ()


RECIPES = {
    "authors": Recipe(
        name="authors",
        summary=(
            "the method authors' bsb_toy recipe: U-Net, Adam 1e-4 constant, gradient norm clipped at 5, "
            "batch 10 of whole 256 px frames with flips and 90-degree rotations, 20 epochs per round, "
            "EWDL with penalty 5, a warm start each round, the sample's human seed clicks"
        ),
        train={
            "batch_size": 10,
            "patch_size": 256,
            "learning_rate": 1e-4,
            "lr_schedule": "constant",
            "grad_clip": 5.0,
            "steps": None,
            "epochs": None,
            "frame_epochs": 20,  # 60 steps of 10 on the sample's 30 training frames
            "schedule": "fixed",
            "check_steps": 3,
            "loss": "ewdl",
            "error_weight": 5.0,
            "augment": True,
            "warm_start": True,
        },
        model={"architecture": "unet", "encoder": "tu-efficientnet_lite0", "weights": "offline"},
        benchmark={"seed_clicks": "human"},
        trims=(
            "encoder efficientnet-lite0 for EfficientNet-B0: B0's ImageNet weights need a model hub, "
            "lite0's ship in a package",
            "an epoch is as many patches as frames with clicks, drawn around the clicks (classes balanced, "
            "with replacement), not each frame once in a fixed order: 60 steps of 10 for 30 frames",
            "20 epochs per round, as the sample's config has, not the paper's 100",
            "checkpoints scored every epoch only with --selection reference (the paper keeps the best on "
            "the validation masks); --selection last keeps the round's last weights",
            "no mixed precision on a CPU; inputs normalised per band with statistics of the frames",
        ),
    ),
}


def apply_recipe(
    name: str, benchmark: BenchmarkSettings, train: TrainSettings, model: ModelSettings
) -> tuple[BenchmarkSettings, TrainSettings, ModelSettings]:
    """The three settings with recipe ``name``'s values in place of theirs."""
    if name not in RECIPES:
        raise IsageError(f"unknown recipe '{name}'; choose from {', '.join(RECIPES)}")
    recipe = RECIPES[name]
    defaults = (BenchmarkSettings(), TrainSettings(), ModelSettings())
    for given, default, values in zip(
        (benchmark, train, model), defaults, (recipe.benchmark, recipe.train, recipe.model), strict=True
    ):
        for key, value in values.items():
            mine = getattr(given, key)
            if mine != getattr(default, key) and mine != value:
                log.warning(
                    "recipe %s replaces the %s asked for (%r) with %r",
                    name,
                    key.replace("_", " "),
                    mine,
                    value,
                )
    return (
        replace(benchmark, recipe=name, **recipe.benchmark),
        replace(train, **recipe.train),
        replace(model, **recipe.model),
    )
