"""The benchmark's outputs: JSON, CSV of the per-iteration metrics, a PNG plot and a Markdown report.

Rows are per seed, method and iteration; the plot and the report show the mean over seeds with the
spread (standard deviation) when there are several.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import numpy as np

from ..atomic import atomic_output

log = logging.getLogger(__name__)

COLUMNS = (
    "seed",
    "method",
    "iteration",
    "clicks",
    "labelled_pixel_fraction",
    "trained_pixel_fraction",
    "val_miou",
    "val_overall_accuracy",
    "new_clicks",
    "new_clicks_on_errors",
    "click_fit_rate",
    "steps",
    "train_seconds",
    "elapsed_seconds",
)
CEILING = "dense"
PRODUCT_STRATEGIES = ("proposed",)  # the product's own guidance, a strategy like the expert's, not a baseline
REFERENCE_BASELINES = (
    "random",
    "entropy",
)  # what the recommended strategy has to beat beyond the seed spread


def aggregate(rows: list[dict]) -> list[dict]:
    """Per method and iteration: mean and standard deviation over seeds of mIoU, fractions and time."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["method"], row["iteration"]), []).append(row)
    out = []
    for (method, iteration), members in groups.items():
        miou = np.array([m["val_miou"] if m["val_miou"] is not None else np.nan for m in members], float)
        out.append(
            {
                "method": method,
                "iteration": iteration,
                "seeds": len(members),
                "miou": float(np.nanmean(miou)),
                "miou_std": float(np.nanstd(miou)) if len(members) > 1 else None,
                "clicks": float(np.mean([m["clicks"] for m in members])),
                "labelled": float(np.mean([m["labelled_pixel_fraction"] for m in members])),
                "trained": float(np.mean([m["trained_pixel_fraction"] for m in members])),
                "elapsed": float(np.mean([m["elapsed_seconds"] for m in members])),
                "fit": _mean_or_none([m.get("click_fit_rate") for m in members]),
                "steps": float(np.mean([m["steps"] for m in members])),
                "per_class": {
                    c: float(
                        np.nanmean(
                            [
                                np.nan if m["val_per_class_iou"][c] is None else m["val_per_class_iou"][c]
                                for m in members
                            ]
                        )
                    )
                    for c in members[0]["val_per_class_iou"]
                },
            }
        )
    return out


def _mean_or_none(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.mean(known)) if known else None


def final_rows(aggregated: list[dict]) -> dict[str, dict]:
    """Each method's last iteration."""
    last: dict[str, dict] = {}
    for row in aggregated:
        if row["method"] not in last or row["iteration"] > last[row["method"]]["iteration"]:
            last[row["method"]] = row
    return last


def write_outputs(out: Path, summary: dict) -> dict[str, str]:
    """Write ``benchmark.json``, ``.csv``, ``.png`` (when matplotlib is there) and ``.md``; their paths."""
    paths = {"json": out / "benchmark.json", "csv": out / "benchmark.csv", "markdown": out / "benchmark.md"}
    classes = summary["classes"]
    with atomic_output(paths["csv"]) as tmp, open(tmp, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*COLUMNS, *(f"iou_{c}" for c in classes)])
        for row in summary["rows"]:
            writer.writerow([row[k] for k in COLUMNS] + [row["val_per_class_iou"].get(c) for c in classes])
    aggregated = aggregate(summary["rows"])
    plot = out / "benchmark.png"
    if write_plot(plot, aggregated, summary.get("recommended")):
        paths["plot"] = plot
    outputs = {k: str(p.resolve()) for k, p in paths.items()}
    summary["summary"] = {m: _final_entry(r, aggregated) for m, r in final_rows(aggregated).items()}
    for method, entry in summary["summary"].items():
        entry["recommended"] = method == summary.get("recommended")
    summary["recommended_verdict"] = recommended_verdict(aggregated, summary.get("recommended"))
    with atomic_output(paths["markdown"]) as tmp:
        tmp.write_text(markdown(summary, aggregated, plot.name if "plot" in paths else None))
    with atomic_output(paths["json"]) as tmp:
        tmp.write_text(json.dumps({**summary, "outputs": outputs}, indent=2, default=str))
    return outputs


def is_expert(method: str) -> bool:
    """A strategy of the method's expert (clicks on the model's errors, or a hybrid ending on them) or the
    product's own guidance (labelling what ``isage propose`` proposes)."""
    return method.startswith(("expert-", "hybrid-", "proposed-")) or method in PRODUCT_STRATEGIES


def best_baseline(aggregated: list[dict]) -> dict | None:
    """The last-iteration row of the best method that is neither a strategy nor the ceiling."""
    rows = [r for m, r in final_rows(aggregated).items() if not is_expert(m) and m != CEILING]
    return max(rows, key=lambda r: r["miou"], default=None)


def recommended_verdict(aggregated: list[dict], recommended: str | None) -> dict | None:
    """Whether the recommended method's last-round mean beats random's and entropy's by more than the
    larger of their seed spreads (standard deviations), and its share of the ceiling; None when the
    method or both baselines are missing."""
    last = final_rows(aggregated)
    if recommended not in last or not all(b in last for b in REFERENCE_BASELINES):
        return None
    row = last[recommended]
    leads = {b: round(row["miou"] - last[b]["miou"], 4) for b in REFERENCE_BASELINES}
    spreads = [last[b]["miou_std"] for b in REFERENCE_BASELINES if last[b]["miou_std"] is not None]
    spread = round(max(spreads), 4) if spreads else None
    ceiling = last.get(CEILING)
    return {
        "method": recommended,
        "lead_over": leads,
        "larger_baseline_spread": spread,
        "own_spread": None if row["miou_std"] is None else round(row["miou_std"], 4),
        "seeds": row["seeds"],
        "clears_the_spread": None if spread is None else min(leads.values()) > spread,
        "percent_of_dense": round(100 * row["miou"] / ceiling["miou"], 1)
        if ceiling and ceiling["miou"]
        else None,
    }


def _final_entry(row: dict, aggregated: list[dict]) -> dict:
    ceiling = final_rows(aggregated).get(CEILING)
    percent = 100 * row["miou"] / ceiling["miou"] if ceiling and ceiling["miou"] else None
    baseline = best_baseline(aggregated)
    lead = row["miou"] - baseline["miou"] if baseline and is_expert(row["method"]) else None
    return {
        "lead_over_best_baseline": None if lead is None else round(lead, 4),
        "best_baseline": baseline["method"] if lead is not None else None,
        "iteration": row["iteration"],
        "val_miou": round(row["miou"], 4),
        "val_miou_std": None if row["miou_std"] is None else round(row["miou_std"], 4),
        "percent_of_dense": None if percent is None else round(percent, 1),
        "labelled_pixel_fraction": row["labelled"],
        "trained_pixel_fraction": row["trained"],
        "elapsed_seconds": round(row["elapsed"], 1),
    }


def write_plot(path: Path, aggregated: list[dict], recommended: str | None = None) -> bool:
    """mIoU against iteration, labelled-pixel fraction and wall time, one line per method (mean, with a
    band of one standard deviation over seeds), the ``recommended`` one (else the expert's) bold; the
    dense ceiling as a dashed line."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "matplotlib":
            log.warning("matplotlib is not installed: no benchmark plot (pip install matplotlib)")
        else:  # installed but broken, typically built for another numpy
            reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            log.warning("matplotlib is installed but fails to import (%s): no benchmark plot; reinstall "
                        "it for this numpy (pip install --force-reinstall matplotlib)", reason)  # fmt: skip
        return False
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    ceiling = final_rows(aggregated).get(CEILING)
    colours = plt.get_cmap("tab10")
    methods = [m for m in dict.fromkeys(r["method"] for r in aggregated) if m != CEILING]
    for k, method in enumerate(methods):
        mine = sorted((r for r in aggregated if r["method"] == method), key=lambda r: r["iteration"])
        miou = np.array([r["miou"] for r in mine])
        spread = np.array([r["miou_std"] or 0.0 for r in mine])
        style = {
            "marker": "o",
            "color": colours(k % 10),
            "label": f"{method} (recommended)" if method == recommended else method,
            "lw": 2.6 if method == recommended else 2.2 if recommended is None and is_expert(method) else 1.4,
        }
        xs = (
            [r["iteration"] for r in mine],
            [100 * r["labelled"] for r in mine],
            [r["elapsed"] / 60 for r in mine],
        )
        for axis, x in zip(axes, xs, strict=True):
            axis.plot(x, miou, **style)
            if spread.any():
                axis.fill_between(x, miou - spread, miou + spread, color=style["color"], alpha=0.12)
    if ceiling:
        for axis in axes:
            axis.axhline(
                ceiling["miou"],
                color="black",
                ls="--",
                lw=1.2,
                label=f"dense ceiling ({ceiling['miou']:.3f})",
            )
    axes[0].set(xlabel="iteration", ylabel="validation mIoU", title="mIoU per iteration")
    axes[1].set(xlabel="labelled pixels (%, log)", title="mIoU per labelled pixels", xscale="log")
    axes[2].set(xlabel="wall time (min, seed round included)", title="mIoU per wall time")
    axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    for axis in axes:
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return True


def _miou(row: dict) -> str:
    text = f"{row['miou']:.4f}"
    return text + (f" ± {row['miou_std']:.4f}" if row["miou_std"] is not None else "")


def markdown(summary: dict, aggregated: list[dict], plot: str | None) -> str:
    """A short report: the setting, the final table against the dense ceiling, then every iteration."""
    model, train = summary["model_settings"], summary["train_settings"]
    converge = train.get("step_schedule", train.get("schedule")) == "converge"  # "auto" resolved
    schedule = _converge_schedule(train) if converge else _fixed_schedule(train)
    protocol = (
        "checkpoint of each round selected on the scoring split's reference masks (the paper's protocol; "
        "it reads masks no user has)"
        if summary.get("selection") == "reference"
        else "each round keeps its last weights (the user's protocol)"
    )
    lines = [
        "# iSAGE simulated-expert benchmark",
        "",
        f"- dataset: {summary['dataset']} ({len(summary['train_frames'])} train frames, "
        f"{len(summary['val_frames'])} scored on {summary['validation']})",
        f"- methods: {', '.join(summary['methods'])}",
        f"- iterations: {summary['iterations']} (the seed round included)",
        f"- seeds: {', '.join(map(str, summary['seeds']))} (seed clicks, pickers and training); "
        f"seed clicks: {summary.get('seed_clicks', 'simulated')}; margin: {summary['margin']} px",
        f"- model: {model.get('architecture')} / {model.get('encoder')}; {schedule}; "
        f"batch {train.get('batch_size')} x {train.get('patch_size')} px; "
        f"Adam lr {train.get('learning_rate')} ({train.get('lr_schedule')}); "
        f"gradient clip {train.get('grad_clip')}; "
        f"loss {train.get('loss')}, lambda {train.get('error_weight')}",
        f"- protocol: {protocol}",
        f"- measured time: {summary.get('measured_seconds', summary['wall_seconds'])} s "
        f"(this sitting: {summary['wall_seconds']} s)",
    ]
    lines += _recipe_lines(summary.get("recipe"))
    lines += [
        "",
        "## Last iteration",
        "",
        "| method | val mIoU | % of dense | lead over the best baseline | labelled pixels (%) | "
        "trained pixels (%) | wall time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for method, entry in summary["summary"].items():
        row = final_rows(aggregated)[method]
        percent = "" if entry["percent_of_dense"] is None else f"{entry['percent_of_dense']:.1f}"
        lead = "" if entry["lead_over_best_baseline"] is None else f"{entry['lead_over_best_baseline']:+.4f}"
        name = f"**{method}** (recommended)" if entry.get("recommended") else method
        lines.append(
            f"| {name} | {_miou(row)} | {percent} | {lead} | {100 * row['labelled']:.4f} | "
            f"{100 * row['trained']:.3f} | {row['elapsed']:.0f} |"
        )
    return _rest(summary, aggregated, plot, lines)


def _recipe_lines(name: str | None) -> list[str]:
    if not name:
        return []
    from .recipes import RECIPES

    recipe = RECIPES[name]
    return [
        f"- recipe `{name}`: {recipe.summary}; what this machine trims:",
        *(f"  - {t}" for t in recipe.trims),
    ]


def _converge_schedule(train: dict) -> str:
    floor = (
        f"{train.get('steps')}" if train.get("steps") is not None
        else f"{train.get('first_steps')} (seed round) / {train.get('converge_floor')}"
    )  # fmt: skip
    budget = train.get("time_budget_s")
    return (
        f"converge: at least {floor} steps, until the clicks fit {train.get('fit_target')} or neither the "
        f"loss ({train.get('plateau')}) nor the fit moves, at most {train.get('max_steps')} steps"
        + (f" or {budget:g} s" if budget else "")
    )


def _fixed_schedule(train: dict) -> str:
    return (
        f"{train.get('steps')} steps per run"
        if train.get("steps") is not None
        else f"{train.get('epochs')} epochs per run"
        if train.get("epochs") is not None
        else f"{train.get('frame_epochs')} epochs of the frames with clicks per run"
        if train.get("frame_epochs") is not None
        else f"{train.get('first_steps')} steps in the seed round, {train.get('steps_per_run')} per later run"
    )


def _rest(summary: dict, aggregated: list[dict], plot: str | None, lines: list[str]) -> str:
    baseline = best_baseline(aggregated)
    lines += [
        "",
        "Labelled pixels are those whose label came from the reference (clicks; every pixel for dense).",
        "Trained pixels carry a training label, expanded ones included (pseudo-labels, superpixels).",
        "The lead is a strategy's mIoU (the expert's, or labelling the engine's proposals) minus that of the "
        "best baseline" + (f" ({baseline['method']})" if baseline else "") + ", dense supervision excepted.",
        "",
    ]
    verdict = summary.get("recommended_verdict")
    if verdict:
        spread = verdict["larger_baseline_spread"]
        leads = ", ".join(f"{b} {lead:+.4f}" for b, lead in verdict["lead_over"].items())
        test = (
            f"the larger of their seed spreads is {spread:.4f}: "
            + ("the lead clears it" if verdict["clears_the_spread"] else "the lead does not clear it")
            if spread is not None
            else "one seed: no spread to compare the lead with"
        )
        if verdict["own_spread"] is not None:
            test += f" (its own spread over the {verdict['seeds']} seeds: {verdict['own_spread']:.4f})"
        dense = (
            "" if verdict["percent_of_dense"] is None else f"; {verdict['percent_of_dense']:.1f} % of dense"
        )
        lines += [f"Recommended **{verdict['method']}**, last round: lead over {leads}; {test}{dense}.", ""]
    if plot:
        lines += [f"![mIoU per iteration, per labelled pixels and per wall time]({plot})", ""]
    lines += _assessment_lines(summary["rows"])
    lines += [
        "## Every iteration",
        "",
        "| method | iteration | clicks | labelled pixels (%) | val mIoU | clicks fit | steps "
        "| wall time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in aggregated:
        fit = "" if r["fit"] is None else f"{r['fit']:.3f}"
        lines.append(
            f"| {r['method']} | {r['iteration']} | {r['clicks']:.0f} | {100 * r['labelled']:.4f} | "
            f"{_miou(r)} | {fit} | {r['steps']:.0f} | {r['elapsed']:.0f} |"
        )
    classes = summary["classes"]
    lines += [
        "",
        "## Per-class IoU, last iteration",
        "",
        "| method | " + " | ".join(classes) + " |",
        "|---|" + "---:|" * len(classes),
    ]
    for method, row in final_rows(aggregated).items():
        values = [row["per_class"].get(c) for c in classes]
        lines.append(
            f"| {method} | " + " | ".join("n/a" if np.isnan(v) else f"{v:.3f}" for v in values) + " |"
        )
    return "\n".join(lines) + "\n"


def _assessment_lines(rows: list[dict]) -> list[str]:
    """Per seed, method and round: the overall accuracy estimated from the seed's accuracy assessment
    sample (95 % interval) beside the true one on every validation pixel, and whether the interval held it."""
    assessed = [r for r in rows if r.get("val_overall_accuracy_estimated")]
    if not assessed:
        return []
    held = 0
    lines = [
        "## Accuracy assessment beside the truth",
        "",
        "A stratified sample drawn once per seed from the seed round's validation map, labelled from the "
        "masks, estimates each later map's overall accuracy (Stehman 2014); the truth counts every pixel.",
        "",
        "| seed | method | iteration | estimated overall accuracy (95 % CI) | true | held |",
        "|---:|---|---:|---|---:|---|",
    ]
    for r in assessed:
        e = r["val_overall_accuracy_estimated"]
        low, high = e["ci95"] or (float("nan"), float("nan"))
        inside = low <= r["val_overall_accuracy"] <= high
        held += inside
        lines.append(
            f"| {r['seed']} | {r['method']} | {r['iteration']} | {e['estimate']:.3f} ({low:.3f}–{high:.3f}, "
            f"{e['points']} points) | {r['val_overall_accuracy']:.3f} | {'yes' if inside else 'no'} |"
        )
    lines += ["", f"The interval held the truth in {held} of {len(assessed)} rounds.", ""]
    return lines
