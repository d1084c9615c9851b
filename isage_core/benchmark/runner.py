"""Run the iSAGE protocol with simulated annotators on a dataset with dense references, per method.

A seed round is shared by every method: one click per reference class present per training frame,
a model trained on them (iteration 0) and its score. Then each method, from those clicks and that model,
labels the training frames its own way after every round (from the latest model's prediction), retrains
with a warm start and is scored on the validation split. With ``holdout`` the validation split is set
aside and the last training frames score instead: tuning never sees the validation split.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import rasterio

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..inference.evaluate import confusion_matrix, scores_from_confusion
from ..loop.train import train_iteration
from ..record.click_record import ClassDef
from ..record.workspace import Workspace
from ..settings import ModelSettings, PredictSettings, TrainSettings
from . import pickers
from .config import DEFAULT_METHODS, BenchmarkSettings
from .methods import Dataset, TrainedRound, check_method, make_method
from .report import write_outputs
from .sample_data import PLACEHOLDER_CRS, SAMPLE_CLASSES, export_sample, human_click_depths, human_seed_clicks
from .store import ResultStore

log = logging.getLogger(__name__)

PALETTE = ("#9e9e9e", "#e53935", "#3c3c3c", "#ff9800", "#43a047", "#1e88e5", "#8e24aa", "#fdd835")


@dataclass
class Split:
    images: dict[str, Path]
    masks: dict[str, Path]


def load_dataset(
    source: str | Path | None,
    work: Path,
    max_train: int | None,
    max_val: int | None,
    holdout: int | None = None,
):
    """``(train, val, classes, crs)`` from the bundled sample (``source`` None) or a folder holding
    ``train/`` and ``val/``, each with ``images/`` and ``masks/`` of rasters with matching file names.
    ``holdout`` N: the last N training frames become the validation split (for tuning)."""
    if source is None:
        layout = export_sample(work / "sample")
        train, val = (
            Split(layout.train.images, layout.train.masks),
            Split(layout.val.images, layout.val.masks),
        )
        classes, crs = SAMPLE_CLASSES, PLACEHOLDER_CRS
    else:
        train, val = _folder_split(Path(source), "train"), _folder_split(Path(source), "val")
        classes, crs = _classes_of(list(train.masks.values()) + list(val.masks.values())), None
    train, val = _limit(train, max_train), _limit(val, max_val)
    if holdout:
        if holdout >= len(train.images):
            raise IsageError(f"--holdout {holdout} leaves no training frame of {len(train.images)}; lower it")
        names = list(train.images)
        fit, held = names[:-holdout], names[-holdout:]
        val = Split({n: train.images[n] for n in held}, {n: train.masks[n] for n in held})
        train = Split({n: train.images[n] for n in fit}, {n: train.masks[n] for n in fit})
    if not train.images or not val.images:
        raise IsageError(f"{source or 'sample'}: the benchmark needs at least one train and one val frame")
    return train, val, classes, crs


def _folder_split(root: Path, split: str) -> Split:
    images = {p.stem: p for p in sorted((root / split / "images").glob("*")) if p.is_file()}
    masks = {p.stem: p for p in sorted((root / split / "masks").glob("*")) if p.is_file()}
    missing = sorted(set(images) - set(masks))
    if missing:
        raise IsageError(f"{root / split}: no mask for images {missing[:3]}; give masks/ the images' names")
    return Split(images, {n: masks[n] for n in images})


def _classes_of(masks: list[Path]) -> list[ClassDef]:
    ids: set[int] = set()
    for path in masks:
        ids |= {int(v) for v in np.unique(_read_mask(path)) if v != 255}
    return [ClassDef(i, f"class {i}", PALETTE[k % len(PALETTE)]) for k, i in enumerate(sorted(ids))]


def _limit(split: Split, count: int | None) -> Split:
    names = list(split.images)[:count] if count else list(split.images)
    return Split({n: split.images[n] for n in names}, {n: split.masks[n] for n in names})


def _check_sizes(split: Split, masks: dict[str, np.ndarray]) -> None:
    for name, path in split.images.items():
        with rasterio.open(path) as src:
            size = (src.height, src.width)
        if masks[name].shape != size:
            raise IsageError(
                f"{split.masks[name]}: the mask is {masks[name].shape[0]}x{masks[name].shape[1]} pixels but "
                f"its image {path} is {size[0]}x{size[1]}; give each mask its image's size"
            )


def _read_mask(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(1)


def run_benchmark(
    out_dir: str | Path,
    settings: BenchmarkSettings,
    train_settings: TrainSettings,
    model_settings: ModelSettings,
    predict_settings: PredictSettings | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict:
    """Benchmark ``settings.methods`` in ``out_dir`` once per seed; return the summary.

    ``out_dir`` must be new or empty, or (``settings.resume``) the folder of an earlier run with the same
    configuration: each (method, seed) already measured there is kept, not rerun (see
    :mod:`isage_core.benchmark.store`). The summary (also ``benchmark.json``) covers every result in the
    folder: the settings and ``rows``, one dict per seed, method and iteration with ``val_miou``,
    ``val_per_class_iou``, ``clicks``, ``labelled_pixel_fraction``, ``trained_pixel_fraction``,
    ``new_clicks`` (added after this iteration) and how many of them the model got wrong
    (``new_clicks_on_errors``), ``click_fit_rate`` (labelled pixels the round's model predicts right),
    ``steps``, ``train_seconds`` and ``elapsed_seconds`` (the method's time so far, the seed round
    included). ``benchmark.csv``, ``benchmark.png`` and ``benchmark.md`` are written beside it.
    """
    _check(settings)
    report = progress or (lambda fraction, message="": None)
    predict_settings = predict_settings or PredictSettings(
        tile_size=train_settings.patch_size,
        overlap=train_settings.patch_size // 4,
        device=train_settings.device,
    )
    started = time.monotonic()
    store = ResultStore(out_dir, _configuration(settings, train_settings, model_settings, predict_settings),
                        settings.resume)  # fmt: skip
    store.create()
    try:
        train, val, classes, crs = load_dataset(
            settings.dataset, store.work, settings.max_train_frames, settings.max_val_frames, settings.holdout
        )
        references = {n: _read_mask(p) for n, p in train.masks.items()}
        val_references = {n: _read_mask(p) for n, p in val.masks.items()}
        for split, masks in ((train, references), (val, val_references)):
            _check_sizes(split, masks)
    except BaseException:
        store.discard()
        raise
    class_ids = [c.id for c in classes]
    train_pixels = sum(int(np.isin(r, class_ids).sum()) for r in references.values())
    log.info("benchmark: %d train and %d validation frames", len(train.images), len(val.images))
    span = 1 / len(settings.seeds)
    for s, seed in enumerate(settings.seeds):
        pending = [m for m in settings.methods if not store.has(seed, m)]
        if not pending:
            log.info("seed %d: every method already measured in %s", seed, store.out)
            continue

        def sub(fraction, message="", s=s, seed=seed):
            report((s + float(np.clip(fraction, 0, 1))) * span, f"seed {seed}: {message}")

        run = _SeedRun(
            store, settings, replace(train_settings, seed=seed), model_settings, predict_settings,
            classes, crs, train, val_references, val, references, train_pixels, seed, cancel,
        )  # fmt: skip
        run.run(pending, sub)
    rows = store.all_rows(list(settings.methods))
    summary = {
        "methods": list(dict.fromkeys(r["method"] for r in rows)),
        "iterations": settings.iterations,
        "seeds": sorted({r["seed"] for r in rows}),
        "margin": settings.margin,
        "seed_clicks": settings.seed_clicks,
        "recipe": settings.recipe,
        "selection": settings.selection,
        "click_seconds": settings.click_seconds,  # the person's time per click, live training meanwhile
        "step_seconds": settings.step_seconds,
        "look_seconds": settings.look_seconds,  # the person's look at the map before each Train
        "recommended": settings.recommended,
        "dataset": str(settings.dataset) if settings.dataset else "bundled sample (BsB Aerial toy)",
        "validation": f"last {settings.holdout} training frames (tuning)"
        if settings.holdout
        else "val split",
        "train_frames": list(train.images),
        "val_frames": list(val.images),
        "train_labelled_pixels": train_pixels,
        "classes": [c.name for c in classes],
        "train_settings": {**vars(train_settings), "step_schedule": train_settings.step_schedule},
        "model_settings": vars(model_settings).copy(),
        "predict_settings": vars(predict_settings).copy(),
        "rows": rows,
        "wall_seconds": round(time.monotonic() - started, 1),
        "measured_seconds": round(sum(_method_seconds(rows).values()), 1),
    }
    summary["outputs"] = write_outputs(store.out, summary)
    report(1.0, "done")
    return summary


def _check(settings: BenchmarkSettings) -> None:
    if not settings.methods:
        raise IsageError("no benchmark method given; choose from " + ", ".join(DEFAULT_METHODS))
    for method in settings.methods:
        check_method(method)
    if settings.recommended is not None:
        check_method(settings.recommended)
    if settings.iterations < 1:
        raise IsageError("the benchmark needs at least one iteration; use --iterations 1 or more")
    if not settings.seeds:
        raise IsageError("the benchmark needs at least one seed; use e.g. --seeds 0,1,2")
    if settings.click_seconds is not None and not (settings.click_seconds > 0 and settings.step_seconds > 0):
        raise IsageError("--click-seconds and --step-seconds must be positive")
    if settings.look_seconds and (settings.click_seconds is None or not settings.look_seconds > 0):
        raise IsageError("--look-seconds needs --click-seconds (live training) and must be positive")
    if settings.click_seconds is not None and settings.selection == "reference":
        raise IsageError("live training keeps its last weights: use --click-seconds with --selection last")
    if settings.seed_clicks == "human" and settings.dataset is not None:
        raise IsageError(
            f"{settings.dataset}: human seed clicks come with the bundled sample only; "
            "use --seed-clicks simulated for another dataset"
        )


def _configuration(settings, train_settings, model_settings, predict_settings) -> dict:
    """What every result of one benchmark folder shares: all settings but the methods, the seeds and
    the method the summary recommends."""
    kept = {k: v for k, v in vars(settings).items() if k not in ("methods", "seeds", "resume", "recommended")}
    kept["dataset"] = str(settings.dataset) if settings.dataset else None
    return {
        **kept,
        "train": {k: v for k, v in vars(train_settings).items() if k != "seed"},
        "model": vars(model_settings).copy(),
        "predict": vars(predict_settings).copy(),
    }


def _method_seconds(rows: list[dict]) -> dict[tuple[int, str], float]:
    """Each (seed, method)'s measured time: its last row's elapsed seconds."""
    last: dict[tuple[int, str], float] = {}
    for row in rows:
        last[(row["seed"], row["method"])] = row["elapsed_seconds"]
    return last


@dataclass
class _SeedRun:
    """One seed of a benchmark: the shared seed round, then every pending method from it."""

    store: ResultStore
    settings: BenchmarkSettings
    train_settings: TrainSettings
    model_settings: ModelSettings
    predict_settings: PredictSettings
    classes: list[ClassDef]
    crs: str | None
    train: Split
    val_references: dict[str, np.ndarray]
    val: Split
    references: dict[str, np.ndarray]
    train_pixels: int
    seed: int
    cancel: CancelToken | None

    def run(self, methods: list[str], report: ProgressCallback) -> None:
        """Measure ``methods`` for this seed, saving each one's rows as it finishes."""
        class_ids = [c.id for c in self.classes]
        seeds = self._seed_clicks(class_ids)
        data = Dataset(
            dict(self.train.images), self.references, class_ids, seeds, self.settings.margin,
            human_click_depths(), self.train_settings, self.model_settings, self.cancel,
            self.settings.steps_per_click, steps_per_look=self.settings.steps_per_look,
        )  # fmt: skip
        log.info("seed %d: %d seed clicks", self.seed, data.seed_count)
        iterations = self.settings.iterations
        share = 1 / (1 + len(methods) * max(iterations - 1, 0))
        monitor = self._monitor() if self.settings.selection == "reference" else None
        clock = time.monotonic()
        seed_workspace, trained = self._seed_round(seeds, share, report, monitor)
        run, model_path = seed_workspace.record.runs()[-1], seed_workspace.latest_model()[1]
        seed_round = TrainedRound(
            model_path, run.clicks_used, run.clicks_used, int(run.metrics["steps"]), run.duration_s,
            run.metrics.get("click_accuracy"),
        )  # fmt: skip
        seed_scores, seed_probs = self._assess(model_path, predict_train=iterations > 1)
        seed_maps = seed_scores.pop("maps")
        sample = self._assessment_sample(seed_maps)
        seed_seconds = time.monotonic() - clock
        earlier = self.store.seed_row(self.seed)
        if not trained and earlier is not None:
            seed_seconds = earlier["elapsed_seconds"]  # what the seed round took when it was measured
        if earlier is not None and abs((earlier["val_miou"] or 0) - (seed_scores["miou"] or 0)) > 1e-6:
            log.warning(
                "seed %d: the seed round scores %.4f now and %.4f in the stored results; "
                "training is not bit-reproducible on this machine",
                self.seed, seed_scores["miou"] or 0, earlier["val_miou"] or 0,
            )  # fmt: skip
        for m, name in enumerate(methods):
            folder = self.store.method_folder(self.seed, name)
            method = make_method(name, folder, data, seed_workspace, self.seed, monitor)
            elapsed = seed_seconds
            rows = [self._row(name, 0, seed_round, seed_scores, elapsed, sample, seed_maps)]
            probs, model_ids = seed_probs, list(class_ids)
            for iteration in range(1, iterations):
                begin = time.monotonic()
                base = share * (1 + m * (iterations - 1) + iteration - 1)

                def step(f, msg="", base=base, name=name):
                    report(base + share * 0.8 * f, f"{name}: {msg}")

                added = method.add_labels(probs, model_ids)
                rows[-1]["new_clicks"] = added
                rows[-1]["new_clicks_on_errors"] = method.new_on_errors
                trained = method.train(iteration, step)
                report(base + share * 0.85, f"{name}: scoring and predicting the training frames")
                scores, probs = self._assess(trained.model_path, predict_train=iteration + 1 < iterations)
                elapsed += time.monotonic() - begin
                maps = scores.pop("maps")
                rows.append(self._row(name, iteration, trained, scores, elapsed, sample, maps))
                log.info(
                    "seed %d, %s iteration %d: %d clicks, validation mIoU %.4f, clicks fit %.3f",
                    self.seed, name, iteration, trained.clicks, scores["miou"] or 0.0, trained.fit_rate or 0,
                )  # fmt: skip
            self.store.save(self.seed, name, rows)

    def _seed_clicks(self, class_ids) -> dict[str, list[pickers.Pick]]:
        if self.settings.seed_clicks == "human":
            human = {f"train_{stem}": picks for stem, picks in human_seed_clicks().items()}
            return {n: [p for p in human.get(n, []) if p[2] in class_ids] for n in self.train.images}
        rng = np.random.default_rng(self.seed)
        return {
            n: pickers.seed_clicks(self.references[n], class_ids, self.settings.margin, rng)
            for n in self.train.images
        }

    def _seed_round(self, seeds, share, report, monitor) -> tuple[Workspace, bool]:
        """The seed round's workspace, its model kept from an earlier run of this folder (False) or
        trained now (True)."""
        folder = self.store.work / f"seed_{self.seed}" / "seed_round"
        if (folder / "clicks.gpkg").exists():
            workspace = Workspace.open(folder)
            latest = workspace.latest_model()
            if latest is not None and latest[0] == 0 and workspace.record.runs():
                log.info("seed %d: the seed round of %s is kept", self.seed, folder)
                return workspace, False
        if folder.exists():
            shutil.rmtree(folder)
        workspace = self._seed_workspace(folder, seeds)
        train_iteration(
            workspace, self.model_settings, self.train_settings,
            progress=lambda f, m="": report(share * 0.8 * f, f"seed round: {m}"), cancel=self.cancel,
            monitor=monitor,
        )  # fmt: skip
        return workspace, True

    def _monitor(self):
        """The paper's checkpoint selection: the mIoU on the scoring split's reference masks."""
        from ..inference.predict import predict_probabilities

        images = {}
        for name, path in self.val.images.items():
            with rasterio.open(path) as src:
                images[name] = src.read()
        class_ids = [c.id for c in self.classes]

        def score(network, meta) -> float:
            device = next(network.parameters()).device
            cm = np.zeros((len(class_ids), len(class_ids)), dtype=np.int64)
            for name, image in images.items():
                bands = image[[b - 1 for b in meta.bands]]
                probs = predict_probabilities(
                    network, meta, bands, self.predict_settings, device, self.cancel
                )
                prediction = np.asarray(meta.class_ids)[np.argmax(probs, axis=0)]
                cm += confusion_matrix(prediction, self.val_references[name], class_ids)
            return float(scores_from_confusion(cm)["miou"] or 0.0)

        return score

    def _seed_workspace(self, folder: Path, seeds) -> Workspace:
        folder.parent.mkdir(parents=True, exist_ok=True)
        workspace = Workspace.create(folder, self.classes, crs=self.crs)
        for name, path in self.train.images.items():
            workspace.record.add_frame(path, name=name)
        human = self.settings.seed_clicks == "human"
        for name, picks in seeds.items():
            for row, col, class_id in picks:
                # the authors' clicks are kept as given: one of their frames has two of one class
                workspace.record.add_click(
                    name, class_id, row=row, col=col, enforce_budget=not human,
                    annotator="authors' seed clicks" if human else "benchmark seed",
                )  # fmt: skip
        return workspace

    def _assessment_sample(self, maps: dict[str, np.ndarray]):
        """The seed's accuracy assessment sample, drawn from the seed round's validation map (None: off)."""
        if not self.settings.assess_points:
            return None
        from .assessment_user import SimulatedAssessment

        class_ids = [c.id for c in self.classes]
        return SimulatedAssessment.draw(
            maps, self.val_references, class_ids, self.settings.assess_points, self.seed
        )

    def _row(self, method, iteration, trained: TrainedRound, scores, elapsed, sample=None, maps=None) -> dict:
        """A result row; ``new_clicks`` are filled in when the next round labels; with an assessment
        ``sample``, the overall accuracy of the round's validation ``maps`` estimated from it."""
        names = [c.name for c in self.classes]
        pixels = self.train_pixels or 1
        estimate = sample.overall_accuracy(maps) if sample is not None and maps is not None else None
        return {
            "val_overall_accuracy_estimated": estimate,
            "seed": self.seed,
            "method": method,
            "iteration": iteration,
            "clicks": trained.clicks,
            "labelled_pixel_fraction": trained.clicks / pixels,
            "trained_pixel_fraction": trained.trained_pixels / pixels,
            "val_miou": scores["miou"],
            "val_overall_accuracy": scores["overall_accuracy"],
            "val_per_class_iou": dict(zip(names, scores["iou"], strict=True)),
            "new_clicks": 0,
            "new_clicks_on_errors": None,
            "click_fit_rate": None if trained.fit_rate is None else round(trained.fit_rate, 4),
            "steps": trained.steps,
            "train_seconds": round(trained.train_seconds, 2),
            "elapsed_seconds": round(elapsed, 2),
        }

    def _assess(self, model_path: Path, predict_train: bool) -> tuple[dict, dict[str, np.ndarray]]:
        """Load the model once: its validation scores and, when asked, its probabilities on every
        training frame (what the next round labels from; empty otherwise)."""
        from ..device import select_device
        from ..model.checkpoint import load_checkpoint

        device = select_device(self.predict_settings.device)
        network, meta = load_checkpoint(model_path, device)
        class_ids = [c.id for c in self.classes]
        if list(meta.class_ids) != class_ids:
            raise IsageError(f"{model_path}: the model's classes differ from the benchmark's")
        cm = np.zeros((len(class_ids), len(class_ids)), dtype=np.int64)
        maps = {}
        for name, path in self.val.images.items():
            probs = _probabilities(path, network, meta, self.predict_settings, device, self.cancel)
            maps[name] = prediction = np.asarray(meta.class_ids)[np.argmax(probs, axis=0)]
            cm += confusion_matrix(prediction, self.val_references[name], class_ids)
        train_probs = {
            name: _probabilities(path, network, meta, self.predict_settings, device, self.cancel)
            for name, path in (self.train.images.items() if predict_train else ())
        }
        return dict(scores_from_confusion(cm), maps=maps), train_probs


def _probabilities(path, network, meta, settings, device, cancel) -> np.ndarray:
    from ..inference.predict import predict_probabilities

    with rasterio.open(path) as src:
        image = src.read(list(meta.bands))
    return predict_probabilities(network, meta, image, settings, device, cancel)
