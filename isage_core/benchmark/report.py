"""The benchmark's outputs: JSON, CSV of the per-iteration metrics, a PNG plot and a Markdown report."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

from ..atomic import atomic_output

log = logging.getLogger(__name__)

COLUMNS = (
    "method",
    "iteration",
    "clicks",
    "labelled_pixel_fraction",
    "val_miou",
    "val_overall_accuracy",
    "new_clicks",
    "train_seconds",
    "seconds",
)


def write_outputs(out: Path, summary: dict) -> dict[str, str]:
    """Write ``benchmark.json``, ``.csv``, ``.png`` (when matplotlib is there) and ``.md``; their paths."""
    paths = {"json": out / "benchmark.json", "csv": out / "benchmark.csv", "markdown": out / "benchmark.md"}
    classes = summary["classes"]
    with open(paths["csv"], "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*COLUMNS, *(f"iou_{c}" for c in classes)])
        for row in summary["rows"]:
            writer.writerow([row[k] for k in COLUMNS] + [row["val_per_class_iou"].get(c) for c in classes])
    plot = out / "benchmark.png"
    if write_plot(plot, summary["rows"]):
        paths["plot"] = plot
    outputs = {k: str(p.resolve()) for k, p in paths.items()}
    paths["markdown"].write_text(markdown(summary, plot.name if "plot" in paths else None))
    paths["json"].write_text(json.dumps({**summary, "outputs": outputs}, indent=2, default=str))
    return outputs


def write_plot(path: Path, rows: list[dict]) -> bool:
    """mIoU against iteration and against the labelled-pixel fraction, one line per method."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        log.warning("matplotlib is not installed: no benchmark plot (pip install matplotlib)")
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for method in dict.fromkeys(r["method"] for r in rows):
        mine = [r for r in rows if r["method"] == method]
        miou = [r["val_miou"] if r["val_miou"] is not None else float("nan") for r in mine]
        left.plot([r["iteration"] for r in mine], miou, marker="o", label=method)
        right.plot([100 * (r["labelled_pixel_fraction"] or 0) for r in mine], miou, marker="o", label=method)
    left.set(xlabel="iteration", ylabel="validation mIoU", title="mIoU per iteration")
    right.set(xlabel="labelled pixels (%)", ylabel="validation mIoU", title="mIoU per labelled pixels")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    for axis in (left, right):
        axis.grid(alpha=0.3)
    left.legend()
    fig.tight_layout()
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return True


def markdown(summary: dict, plot: str | None) -> str:
    """A short report: the setting, the seeds and the per-iteration table."""
    model, train = summary["model_settings"], summary["train_settings"]
    lines = [
        "# iSAGE simulated-expert benchmark",
        "",
        f"- dataset: {summary['dataset']} ({len(summary['train_frames'])} train, "
        f"{len(summary['val_frames'])} validation frames)",
        f"- methods: {', '.join(summary['methods'])}; iterations: {summary['iterations']}",
        f"- seed: {summary['seed']} (seed clicks, pickers and training); "
        f"seed-click margin: {summary['margin']} px",
        f"- encoder: {model.get('encoder')}; steps: {train.get('steps')}, "
        f"first steps: {train.get('first_steps')}, warm-start steps: {train.get('steps_per_run')}",
        f"- wall time: {summary['wall_seconds']} s",
        "",
        "| method | iteration | clicks | labelled pixels (%) | val mIoU | clicks added next | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary["rows"]:
        miou = f"{r['val_miou']:.4f}" if r["val_miou"] is not None else "n/a"
        fraction = 100 * (r["labelled_pixel_fraction"] or 0)
        lines.append(
            f"| {r['method']} | {r['iteration']} | {r['clicks']} | {fraction:.4f} | {miou} | "
            f"{r['new_clicks']} | {r['seconds']} |"
        )
    if plot:
        lines += ["", f"![mIoU per iteration and per labelled pixels]({plot})"]
    return "\n".join(lines) + "\n"
