"""What a benchmark compares (light: the CLI reads it before torch loads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_METHODS = (
    "expert-confident",
    "expert-interior",
    "expert-random",
    "random",
    "entropy",
    "pseudo-0.90",
    "pseudo-0.99",
    "superpixel",
    "dense",
)


@dataclass
class BenchmarkSettings:
    """What one benchmark run compares, on what, and how long."""

    methods: tuple[str, ...] = DEFAULT_METHODS
    iterations: int = 5
    seeds: tuple[int, ...] = (0,)
    dataset: str | Path | None = None  # None: the bundled sample
    max_train_frames: int | None = None
    max_val_frames: int | None = None
    holdout: int | None = None  # tune on the training split: its last N frames score
    margin: int = 3  # seed clicks and interior picks lie this many pixels inside a class
    seed_clicks: Literal["simulated", "human"] = "simulated"  # human: the sample's authors' seed clicks
    # last: each round keeps its last weights (what a user gets); reference: the weights scoring best on
    # the scoring split's reference masks during training (the paper's protocol; no user has such masks)
    selection: Literal["last", "reference"] = "last"
    resume: bool = False  # go on with the benchmark already in the output folder
    recipe: str | None = None  # a named recipe of isage_core.benchmark.recipes, recorded in the report
    recommended: str | None = None  # the method the summary marks as the one the product recommends
