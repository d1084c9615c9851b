"""The benchmark's methods: how each one labels the training frames after a round, and how it trains.

Click methods (the simulated expert's strategies, uniform random clicks, the entropy oracle) keep a real
click record and train with :func:`isage_core.loop.train.train_iteration`, exactly as a user's workspace does.
Label-map methods (dense supervision, pseudo-labels, superpixel propagation) train on label maps with
:func:`isage_core.label_training.train_on_label_maps`, the same network, optimiser, loss and steps.
Every method starts from the shared seed round (its clicks and its iteration-0 model).
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import rasterio

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..loop.train import train_iteration
from ..record.workspace import Workspace
from ..settings import ModelSettings, PredictSettings, ProposeSettings, TrainSettings
from ..training.label_maps import train_on_label_maps
from ..training.optimiser import schedule_steps
from . import expansion, pickers
from .proposal_user import label_proposals

EXPERT_STRATEGIES = {
    "expert-confident": "confident",
    "expert-interior": "interior",
    "expert-random": "random_error",
    "expert-ritm": "ritm",
    "expert-depth": "depth",
}
CLICK_METHODS = (*EXPERT_STRATEGIES, "random", "representative", "entropy", "proposed", "proposed-typical")
# and hybrid-<rounds>, proposed-<proposals per class present>
LABEL_METHODS = ("dense", "superpixel")  # and pseudo-<threshold>, e.g. pseudo-0.95
HYBRID_LATER = "depth"  # the expert strategy of a hybrid's rounds after its representative ones
SUPERPIXEL_STRATEGY = "interior"  # the superpixel baseline spreads the person-like expert's clicks
Pick = tuple[int, int, int]


def proposals_per_class(name: str) -> int | None:
    """K of a ``proposed-K`` method (K ≥ 1), 1 for ``proposed``, None for any other name."""
    if name == "proposed":
        return 1
    count = name[len("proposed-") :] if name.startswith("proposed-") else ""
    return int(count) if count.isdigit() and int(count) > 0 else None


def check_method(name: str) -> None:
    """Raise :class:`IsageError` unless ``name`` is a known method."""
    if name in CLICK_METHODS or name in LABEL_METHODS:
        return
    if name.startswith("hybrid-") and name[len("hybrid-") :].isdigit():
        return
    if proposals_per_class(name):
        return
    if name.startswith("pseudo-"):
        try:
            threshold = float(name[len("pseudo-") :])
        except ValueError:
            threshold = -1.0
        if 0.0 < threshold < 1.0:
            return
    raise IsageError(
        f"unknown benchmark method '{name}'; choose from {', '.join(CLICK_METHODS + LABEL_METHODS)}, "
        "hybrid-K (K representative rounds, then expert-depth), proposed-K (K proposals per class present) "
        "or pseudo-T with a confidence threshold 0 < T < 1 (e.g. pseudo-0.95)"
    )


@dataclass
class Dataset:
    """The training side every method shares."""

    frames: dict[str, Path]  # train frame name -> image path
    references: dict[str, np.ndarray]  # train frame name -> reference class ids
    class_ids: list[int]
    seeds: dict[str, list[Pick]]
    margin: int
    depths: np.ndarray  # how deep a person's clicks lie inside their class (pixels)
    train_settings: TrainSettings
    model_settings: ModelSettings
    cancel: CancelToken | None = None
    steps_per_click: int | None = None  # live training during the person's time per click; None: off
    images: dict[str, np.ndarray] = field(default_factory=dict)  # read on demand (superpixels)
    steps_per_look: int = 0  # live training during the person's look at the map before Train

    @property
    def seed_count(self) -> int:
        return sum(map(len, self.seeds.values()))

    def image(self, name: str) -> np.ndarray:
        if name not in self.images:
            with rasterio.open(self.frames[name]) as src:
                self.images[name] = src.read()
        return self.images[name]


@dataclass
class TrainedRound:
    """One method's training run of one iteration."""

    model_path: Path
    clicks: int  # pixels labelled from the reference: clicks, or every pixel for dense supervision
    trained_pixels: int  # pixels carrying a training label (more than clicks when labels are expanded)
    steps: int
    train_seconds: float
    fit_rate: float | None = None  # share of the labelled pixels the trained model predicts right


class Method:
    """A method's state across iterations; :meth:`add_labels` after each round, :meth:`train` for the next."""

    def __init__(
        self, name: str, folder: Path, data: Dataset, seed_workspace: Workspace, rng_seed: int, monitor=None
    ):
        self.name, self.folder, self.data, self.monitor = name, folder, data, monitor
        self.new_on_errors: int | None = None  # of the last round's new clicks, those the model got wrong
        self.rng = np.random.default_rng([rng_seed, zlib.crc32(name.encode())])

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        """Label the training frames for the next round from the latest model's probabilities (C, H, W)
        per frame; return the number of new clicks."""
        raise NotImplementedError

    def train(self, iteration: int, progress: ProgressCallback) -> TrainedRound:
        raise NotImplementedError


class ClickMethod(Method):
    """A click record in a workspace copied from the seed round's, trained like a user's workspace."""

    def __init__(self, name, folder, data, seed_workspace, rng_seed, monitor=None):
        super().__init__(name, folder, data, seed_workspace, rng_seed, monitor)
        self.rounds_labelled = 0
        shutil.copytree(seed_workspace.folder, folder)
        self.workspace = Workspace.open(folder)
        for frame, path in data.frames.items():  # frame paths are stored relative to the workspace
            self.workspace.record.relink_frame(frame, path)
        self.live = None  # the live engine of this workspace, with the person's time on

    def person_time(self) -> None:
        """After a click: the live engine trains for the person's time (the benchmark's click seconds)."""
        steps = self.data.steps_per_click
        if not steps:
            return
        if self.live is None:
            from ..live.trainer import LiveTrainer

            self.live = LiveTrainer(
                self.folder, self.data.model_settings, self.data.train_settings, lambda event: None
            )
        self.live.train_for(steps, self.data.cancel)

    def strategy(self) -> str:
        """What this round's picks follow: an expert strategy, ``random``, ``representative`` or
        ``entropy``."""
        if self.name.startswith("hybrid-"):
            early = int(self.name[len("hybrid-") :])
            return "representative" if self.rounds_labelled < early else HYBRID_LATER
        return EXPERT_STRATEGIES.get(self.name, self.name)

    def picks(self, probabilities: np.ndarray, model_ids: list[int], reference: np.ndarray) -> list[Pick]:
        prediction = np.asarray(model_ids)[np.argmax(probabilities, axis=0)]
        ids, strategy = self.data.class_ids, self.strategy()
        if strategy == "random":
            return pickers.uniform_random_clicks(reference, ids, self.rng)
        if strategy == "representative":
            return pickers.representative_clicks(reference, ids, self.data.depths, self.rng)
        if strategy == "entropy":
            return pickers.entropy_oracle_clicks(probabilities, reference, model_ids)
        confidence = probabilities.max(axis=0)
        return pickers.expert_clicks(
            prediction, confidence, reference, ids, strategy, self.rng, self.data.margin,
            depths=self.data.depths,
        )  # fmt: skip

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        record, added, self.new_on_errors = self.workspace.record, 0, 0
        for name, probs in probabilities.items():
            predicted = np.asarray(model_ids)[np.argmax(probs, axis=0)]
            for row, col, class_id in self.picks(probs, model_ids, self.data.references[name]):
                self.new_on_errors += int(predicted[row, col] != class_id)
                # the entropy oracle's budget is per predicted class, so two picks may share a class
                record.add_click(
                    name, class_id, row=row, col=col, annotator=f"benchmark {self.name}",
                    enforce_budget=self.name != "entropy",
                )  # fmt: skip
                added += 1
                self.person_time()
        self.rounds_labelled += 1
        return added

    def train(self, iteration: int, progress: ProgressCallback) -> TrainedRound:
        if self.live is not None:  # the person looks at the map, then presses: the live round closes
            self.live.train_for(self.data.steps_per_look, self.data.cancel)
            result = self.live.close(progress=progress, cancel=self.data.cancel)
        else:
            result = train_iteration(
                self.workspace,
                self.data.model_settings,
                self.data.train_settings,
                progress=progress,
                cancel=self.data.cancel,
                monitor=self.monitor,
            )
        if result.iteration != iteration:
            raise IsageError(f"{self.folder}: expected iteration {iteration}, trained {result.iteration}")
        return TrainedRound(
            result.model_path, result.clicks_used, result.clicks_used, result.steps, result.duration_s,
            1 - len(result.unresolved) / max(result.clicks_used, 1),
        )  # fmt: skip


class ProposedMethod(ClickMethod):
    """The user who labels what ``isage propose`` proposes: each proposed pixel gets its reference class,
    at most one click per class per frame per round (the method's budget); proposals of a class already
    clicked on that frame this round are skipped, as a user would. ``proposed-K`` asks the engine for K
    proposals per class present (``isage propose --per-class K``), ``proposed`` for one;
    ``proposed-typical`` for typical ones only, however many clicks a class has (coverage all along)."""

    @property
    def per_class(self) -> int:
        return proposals_per_class(self.name) or 1  # proposed-typical: one

    @property
    def typical_until(self) -> int:
        return 2**31 - 1 if self.name == "proposed-typical" else ProposeSettings.typical_until

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        from ..proposals.run import propose_workspace

        ts, ws = self.data.train_settings, self.workspace
        iteration, _ = ws.latest_model()
        folder = ws.outputs_dir / f"iteration_{iteration:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, probs in probabilities.items():  # the round's class rasters: what the panel shows
            _write_classes(folder / f"{name}_classes.tif", self.data.frames[name], probs, model_ids)
        predict = PredictSettings(tile_size=ts.patch_size, overlap=ts.patch_size // 4, device=ts.device)
        seed = int(self.rng.integers(2**31))
        settings = ProposeSettings(
            per_class=self.per_class, typical_until=self.typical_until, seed=seed, predict=predict
        )
        result = propose_workspace(ws, settings, frames=list(probabilities), cancel=self.data.cancel)
        done = label_proposals(
            ws.record, result.proposals, self.data.references, self.data.class_ids, f"benchmark {self.name}",
            after_click=self.person_time,
        )  # fmt: skip
        self.new_on_errors = done.on_errors
        self.rounds_labelled += 1
        return done.added


def _write_classes(path: Path, frame: Path, probs: np.ndarray, model_ids: list[int]) -> None:
    """The predicted classes of ``probs`` as a GeoTIFF on ``frame``'s grid."""
    with rasterio.open(frame) as src:
        profile = {"driver": "GTiff", "width": src.width, "height": src.height, "count": 1, "dtype": "uint8",
                   "crs": src.crs, "transform": src.transform}  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.asarray(model_ids, dtype=np.uint8)[np.argmax(probs, axis=0)], 1)


class LabelMapMethod(Method):
    """Label maps per frame, trained with the same steps a click method with the random baseline's
    click count would get (the seed round's click count times the number of rounds)."""

    def __init__(self, name, folder, data, seed_workspace, rng_seed, monitor=None):
        super().__init__(name, folder, data, seed_workspace, rng_seed, monitor)
        (folder / "models").mkdir(parents=True)
        self.model_path = seed_workspace.latest_model()[1]
        self.clicks = {n: list(p) for n, p in data.seeds.items()}
        self.maps: dict[str, np.ndarray] = {}
        self.labelled_from_reference = data.seed_count

    def train(self, iteration: int, progress: ProgressCallback) -> TrainedRound:
        ts = self.data.train_settings
        frames = {n: self.data.frames[n] for n in self.maps}
        fixed = replace(ts, schedule="fixed") if ts.schedule == "auto" else ts  # the steps as before converge
        steps = schedule_steps(fixed, self.data.seed_count * (iteration + 1), warm=True, frames=len(frames))
        path = self.folder / "models" / f"iteration_{iteration:03d}.safetensors"
        result = train_on_label_maps(
            self.model_path, frames, self.maps, ts, path, iteration, steps,
            progress=progress, cancel=self.data.cancel, monitor=self.monitor,
        )  # fmt: skip
        self.model_path = path
        return TrainedRound(
            path, self.labelled_from_reference, result.labelled_pixels, result.steps, result.duration_s,
            result.fit_rate,
        )  # fmt: skip


class DenseMethod(LabelMapMethod):
    """The ceiling: every reference pixel is a label from iteration 1 on."""

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        ids = self.data.class_ids
        self.maps = {n: expansion.dense_label_map(r, ids) for n, r in self.data.references.items()}
        self.labelled_from_reference = int(sum(int((m >= 0).sum()) for m in self.maps.values()))
        return 0


class PseudoLabelMethod(LabelMapMethod):
    """Self-training: the seed clicks plus the latest model's predictions at or above a confidence."""

    def __init__(self, name, folder, data, seed_workspace, rng_seed, monitor=None):
        super().__init__(name, folder, data, seed_workspace, rng_seed, monitor)
        self.threshold = float(name[len("pseudo-") :])

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        self.maps = {
            n: expansion.pseudo_label_map(p, model_ids, self.threshold, self.clicks[n])
            for n, p in probabilities.items()
        }
        return 0


class SuperpixelMethod(LabelMapMethod):
    """The person-like expert's clicks, each spread over its SLIC superpixel."""

    def __init__(self, name, folder, data, seed_workspace, rng_seed, monitor=None):
        super().__init__(name, folder, data, seed_workspace, rng_seed, monitor)
        self.segments: dict[str, np.ndarray] = {}

    def add_labels(self, probabilities: dict[str, np.ndarray], model_ids: list[int]) -> int:
        added, self.new_on_errors = 0, 0
        for name, probs in probabilities.items():
            reference = self.data.references[name]
            prediction = np.asarray(model_ids)[np.argmax(probs, axis=0)]
            picks = pickers.expert_clicks(
                prediction, probs.max(axis=0), reference, self.data.class_ids, SUPERPIXEL_STRATEGY,
                self.rng, self.data.margin,
            )  # fmt: skip
            self.clicks[name] += picks
            added += len(picks)
            self.new_on_errors = (self.new_on_errors or 0) + len(picks)  # expert clicks are all on errors
            if name not in self.segments:
                self.segments[name] = expansion.superpixels(self.data.image(name))
            self.maps[name] = expansion.propagate_clicks(self.segments[name], self.clicks[name])
        self.labelled_from_reference = sum(map(len, self.clicks.values()))
        return added


def make_method(
    name: str, folder: Path, data: Dataset, seed_workspace: Workspace, rng_seed: int, monitor=None
) -> Method:
    """The method called ``name`` (see :func:`check_method`), starting from the seed round; ``monitor``
    selects each round's checkpoint on reference masks (the paper's protocol), None keeps the last."""
    check_method(name)
    kind: Callable[..., Method]
    if name == "proposed" or name.startswith("proposed-"):
        kind = ProposedMethod
    elif name in CLICK_METHODS or name.startswith("hybrid-"):
        kind = ClickMethod
    elif name == "dense":
        kind = DenseMethod
    elif name == "superpixel":
        kind = SuperpixelMethod
    else:
        kind = PseudoLabelMethod
    return kind(name, folder, data, seed_workspace, rng_seed, monitor)
