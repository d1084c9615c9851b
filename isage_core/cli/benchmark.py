"""``isage demo`` and ``isage benchmark``: a simulated session, and simulated annotators compared."""

from __future__ import annotations

import argparse

from ..benchmark.config import DEFAULT_ITERATIONS, DEFAULT_METHODS, RECOMMENDED
from ..cancel import CancelToken
from .options import add_model_options, add_train_options, int_list, model_settings, train_settings
from .reporters import Reporter


def add_demo_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="demo_workspace")
    p.add_argument("--iterations", type=int, default=4)
    p.add_argument(
        "--strategy",
        choices=["confident", "interior", "proposed"],
        default="proposed",
        help="simulated person: inside the largest wrong region, its most confident error, or what "
        "`isage propose` proposes (labelled with the reference class)",
    )
    add_model_options(p)
    add_train_options(p)


def add_benchmark_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="new folder for the workspaces, JSON, CSV, plot and report")
    p.add_argument("--dataset", help="folder with train/ and val/, each images/ and masks/ (default: sample)")
    p.add_argument(
        "--iterations", type=int, default=DEFAULT_ITERATIONS, help="rounds, the shared seed round included"
    )
    p.add_argument(
        "--methods",
        default=",".join(DEFAULT_METHODS),
        help="comma list of expert-confident, expert-interior, expert-random, expert-ritm, expert-depth, "
        "hybrid-K, random, representative, entropy, proposed, pseudo-T (T a confidence threshold, e.g. "
        "pseudo-0.95), superpixel, dense",
    )
    p.add_argument("--seeds", help="comma list of seeds (default: --seed); several give mean and spread")
    p.add_argument("--first-steps", type=int, help="steps of the first (cold) training run")
    p.add_argument("--max-train-frames", type=int, help="use only the first N training frames")
    p.add_argument("--max-val-frames", type=int, help="use only the first N validation frames")
    p.add_argument("--holdout", type=int, help="tune: score on the last N training frames, not on val")
    p.add_argument("--margin", type=int, default=3, help="seed clicks lie this many pixels inside a class")
    p.add_argument(
        "--resume", action="store_true", help="go on with the benchmark in --out, keeping its results"
    )
    p.add_argument(
        "--seed-clicks", choices=["simulated", "human"], default="simulated",
        help="seed round: simulated clicks, or the bundled sample's human clicks",
    )  # fmt: skip
    p.add_argument(
        "--selection", choices=["last", "reference"], default="last",
        help="each round's model: the last weights, or the best on the scoring masks (paper's protocol)",
    )  # fmt: skip
    p.add_argument(
        "--recommend", default=RECOMMENDED, help="the method the summary marks as recommended to users"
    )
    p.add_argument(
        "--assess-points", type=int,
        help="also estimate each round's overall accuracy from a stratified sample of this many validation "
        "pixels (drawn once per seed, labelled from the masks) and report it beside the truth",
    )  # fmt: skip
    p.add_argument(
        "--click-seconds", type=float,
        help="the person's time per click: the live engine trains during it (at --step-seconds a step) and "
        "each round's Train closes the live round, as in the panel; default: clicks first, then training",
    )  # fmt: skip
    p.add_argument(
        "--step-seconds", type=float, default=0.5, help="seconds per training step the person's time buys"
    )
    p.add_argument(
        "--look-seconds", type=float, default=0.0,
        help="with --click-seconds: the person's look at the map between a round's last click and Train "
        "(the live engine trains meanwhile)",
    )  # fmt: skip
    p.add_argument(
        "--recipe", choices=["authors"],
        help="authors: the method authors' sample recipe (replaces the training and model options)",
    )  # fmt: skip
    add_model_options(p)
    add_train_options(p)


def demo_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..benchmark.demo import DemoSettings, run_demo

    settings = DemoSettings(
        iterations=a.iterations, strategy=a.strategy, model=model_settings(a), train=train_settings(a)
    )
    summary = run_demo(a.out, settings, progress=reporter.progress, cancel=cancel)
    reporter.result(
        outputs={"workspace": summary["workspace"], "record": summary["record"]},
        miou_per_iteration={e["iteration"]: round(e["val_miou"], 4) for e in summary["iterations"]},
        map_accuracy_per_iteration={
            e["iteration"]: _accuracy_line(e["assessment"])
            for e in summary["iterations"]
            if "assessment" in e
        },
        wall_seconds=summary["wall_seconds"],
    )


def benchmark_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from dataclasses import replace

    from ..benchmark.runner import BenchmarkSettings, run_benchmark

    train = train_settings(a)
    if a.first_steps is not None:  # --steps then sets the warm-start runs only
        schedule = "fixed" if train.schedule == "auto" else train.schedule  # counts given: fixed
        train = replace(
            train, steps=None, first_steps=a.first_steps, steps_per_run=a.steps or train.steps_per_run,
            schedule=schedule,
        )  # fmt: skip
    settings = BenchmarkSettings(
        methods=tuple(m.strip() for m in a.methods.split(",") if m.strip()),
        iterations=a.iterations,
        seeds=int_list(a.seeds) or (a.seed,),
        dataset=a.dataset,
        max_train_frames=a.max_train_frames,
        max_val_frames=a.max_val_frames,
        holdout=a.holdout,
        margin=a.margin,
        seed_clicks=a.seed_clicks,
        selection=a.selection,
        resume=a.resume,
        recommended=a.recommend,
        assess_points=a.assess_points,
        click_seconds=a.click_seconds,
        step_seconds=a.step_seconds,
        look_seconds=a.look_seconds,
    )
    model = model_settings(a)
    if a.recipe:
        from ..benchmark.recipes import apply_recipe

        settings, train, model = apply_recipe(a.recipe, settings, train, model)
    summary = run_benchmark(a.out, settings, train, model, progress=reporter.progress, cancel=cancel)
    reporter.result(
        outputs=summary["outputs"],
        miou={f"{r['method']}@{r['iteration']}/seed{r['seed']}": r["val_miou"] for r in summary["rows"]},
        wall_seconds=summary["wall_seconds"],
    )


def _accuracy_line(assessment: dict) -> str:
    """``estimated 0.812 ± 0.041 (95 % CI, 283 points), true 0.805``."""
    estimate = assessment["estimated_overall_accuracy"]
    low, high = estimate["ci95"]
    return (
        f"estimated {estimate['estimate']:.3f} ± {(high - low) / 2:.3f} (95 % CI, {assessment['points']} "
        f"points), true {assessment['true_overall_accuracy']:.3f}"
    )
