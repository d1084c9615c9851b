"""What a benchmark compares (light: the CLI reads it before torch loads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# The recommended strategy (labelling what `isage propose` proposes, chosen on the training split:
# docs/benchmark/tuning/2026-12, T4), the person-like expert, the two baselines it must beat and the ceiling.
DEFAULT_METHODS = ("proposed", "expert-depth", "random", "entropy", "dense")
RECOMMENDED = "proposed"
DEFAULT_ITERATIONS = 6  # the seed round and five click rounds


@dataclass
class BenchmarkSettings:
    """What one benchmark run compares, on what, and how long."""

    methods: tuple[str, ...] = DEFAULT_METHODS
    iterations: int = DEFAULT_ITERATIONS
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
    recommended: str | None = RECOMMENDED  # the method the summary marks as the one the product recommends
    # an accuracy assessment beside the truth: a stratified sample of this many points (at least 2 per
    # class) drawn once per seed from the seed round's validation map and labelled from the masks; every
    # round then reports the overall accuracy it estimates (Stehman 2014) next to the true one. None: off
    assess_points: int | None = None
    # the person's time: each click of a round takes this many seconds, during which the live engine trains
    # (isage_core.live) as in the panel, at step_seconds per step; the round's Train then closes the live
    # round. None: the round's clicks first, then one training run (``isage train``)
    click_seconds: float | None = None
    step_seconds: float = 0.5  # seconds per training step of the default network here (batch 4, 256 px)
    # the person's look at the map between a round's last click and Train: the live engine trains meanwhile
    look_seconds: float = 0.0

    @property
    def steps_per_look(self) -> int:
        if self.click_seconds is None or not self.look_seconds:
            return 0
        return round(self.look_seconds / self.step_seconds)

    @property
    def steps_per_click(self) -> int | None:
        if self.click_seconds is None:
            return None
        return max(1, round(self.click_seconds / self.step_seconds))
