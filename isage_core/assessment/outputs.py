"""The report's files: JSON, the error matrix as CSV, a plot, and Markdown and HTML pages that explain
how to read them. Every file is written beside its target and renamed into place."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from ..atomic import atomic_output, write_bytes_atomic


def _pct(value: dict | None) -> str:
    if not value or value.get("estimate") is None:
        return "n/a"
    if value.get("ci95") is None:
        return f"{100 * value['estimate']:.1f} % (no interval: too few points, or all agree)"
    lo, hi = value["ci95"]
    half = 100 * (hi - value["estimate"])
    return f"{100 * value['estimate']:.1f} % ± {half:.1f} ({100 * lo:.1f}–{100 * hi:.1f})"


def _ha(value: dict | None) -> str:
    if not value or value.get("estimate") is None:
        return "n/a"
    if value.get("ci95") is None:
        return f"{value['estimate']:.3f}"
    return f"{value['estimate']:.3f} ± {1.959963984540054 * value['se']:.3f}"


def error_matrix_csv(detail: dict, names: dict[int, str]) -> str:
    ids = detail["error_matrix"]["class_ids"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["map \\ reference", *[names.get(i, str(i)) for i in ids], "mapped proportion"])
    for i, row in zip(ids, detail["error_matrix"]["proportions"], strict=True):
        cells = ["" if v is None else f"{v:.6f}" for v in row]
        total = None if any(v is None for v in row) else sum(row)
        writer.writerow([names.get(i, str(i)), *cells, "" if total is None else f"{total:.6f}"])
    return out.getvalue()


def markdown(report: dict, plot_name: str | None) -> str:
    detail = report["report"]
    lines = [
        f"# Accuracy assessment, design {report['design_id'][:8]}",
        "",
        f"Stratified random sample of {report['points']} pixels drawn from iteration "
        f"{report['design_iteration']}'s map (strata: its classes); {report['labelled']} labelled by a "
        "person "
        f"({report['unsure']} unsure), {report['unlabelled']} unlabelled; {report['near_clicks']} points lie "
        "within 3 pixels of a training click. Estimators: Olofsson et al. 2014 (strata = the assessed map's "
        "classes), Stehman 2014 (the same sample for any other iteration's map). Intervals: 95 %, ± 1.96 "
        "standard errors.",
        "",
        "## Overall accuracy of each iteration's map",
        "",
        "| iteration | overall accuracy (95 % CI) |",
        "|---|---|",
    ]
    lines += [f"| {r['iteration']} | {_pct(r['overall_accuracy'])} |" for r in report["iterations"]]
    lines += [
        "",
        f"## Iteration {detail['iteration']}: classes",
        "",
        f"Population: {detail['total_area_ha']:.3f} ha. Areas in hectares, the estimated area (from the "
        "reference labels) ± its 95 % interval beside the area the map shows. Strata are the classes of "
        f"iteration {report['design_iteration']}'s map. Intervals are clipped to the values a figure can "
        "take.",
        "",
        "| class | user's accuracy | producer's accuracy | estimated area (ha) | mapped area (ha) "
        "| labelled points in its stratum |",
        "|---|---|---|---|---|---|",
    ]
    for c in detail["classes"]:
        lines.append(
            f"| {c['name']} | {_pct(c['users_accuracy'])} | {_pct(c['producers_accuracy'])} | "
            f"{_ha(c['area_ha'])} | {c['mapped_area_ha']:.3f} | {c['labelled_in_stratum']} |"
        )
    if plot_name:
        lines += ["", f"![accuracy per iteration and areas]({plot_name})"]
    lines += [
        "",
        "## How to read it",
        "",
        "- *Overall accuracy*: the share of the area whose map class is right. Its interval is where the "
        "true value lies with 95 % confidence; if two iterations' intervals overlap widely, the sample "
        "cannot tell them apart, and more clicks may no longer pay off.",
        "- *User's accuracy* of a class: of the area mapped as that class, the share that really is it "
        "(commission errors are the rest). *Producer's accuracy*: of the area that really is the class, "
        "the share mapped as it (omission errors are the rest).",
        "- *Estimated area*: the class's area from the reference labels, the figure to publish; the mapped "
        "area (pixel count) is biased by the map's errors.",
        "- The error matrix (CSV) holds estimated area proportions: rows are map classes, columns reference "
        "classes.",
    ]
    if report["warnings"]:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report["warnings"]]
    return "\n".join(lines) + "\n"


def html_page(markdown_text: str, plot_name: str | None) -> str:
    """A plain HTML page of the Markdown report (tables and lists rendered, the plot embedded)."""
    body, table = [], []

    def flush_table() -> None:
        if table:
            rows = [r for r in table if not set(r.replace("|", "").strip()) <= {"-"}]
            cells = [[html.escape(c.strip()) for c in r.strip("|").split("|")] for r in rows]
            head = "".join(f"<th>{c}</th>" for c in cells[0])
            rest = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in cells[1:])
            body.append(f"<table><tr>{head}</tr>{rest}</table>")
            table.clear()

    for line in markdown_text.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush_table()
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.startswith("![") and plot_name:
            body.append(f'<img src="{html.escape(plot_name)}" alt="accuracy and areas">')
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    flush_table()
    style = (
        "body{font-family:sans-serif;max-width:60em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}"
    )
    head = (
        f"<!doctype html><meta charset='utf-8'><title>iSAGE accuracy assessment</title><style>{style}</style>"
    )
    return head + "".join(body) + "\n"


def write_plot(path: Path, report: dict) -> bool:
    """Overall accuracy per iteration with its interval, and estimated against mapped area per class."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    rows = [r for r in report["iterations"] if r["overall_accuracy"]["estimate"] is not None]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    xs = [r["iteration"] for r in rows]
    ys = [100 * r["overall_accuracy"]["estimate"] for r in rows]
    errors = [100 * 1.959963984540054 * (r["overall_accuracy"]["se"] or 0) for r in rows]
    left.errorbar(xs, ys, yerr=errors, marker="o", capsize=4)
    left.set(xlabel="iteration", ylabel="overall accuracy (%), 95 % CI", title="Map accuracy per iteration")
    left.set_xticks(xs)
    classes = report["report"]["classes"]
    positions = range(len(classes))
    estimated = [c["area_ha"]["estimate"] if c["area_ha"] else 0 for c in classes]
    half = [1.959963984540054 * (c["area_ha"]["se"] or 0) if c["area_ha"] else 0 for c in classes]
    right.bar([p - 0.2 for p in positions], estimated, 0.4, yerr=half, capsize=3, label="estimated (95 % CI)")
    right.bar([p + 0.2 for p in positions], [c["mapped_area_ha"] for c in classes], 0.4, label="mapped")
    right.set_xticks(list(positions), [c["name"] for c in classes], rotation=30)
    right.set(ylabel="area (ha)", title=f"Class areas, iteration {report['report']['iteration']}")
    right.legend()
    fig.tight_layout()
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
    return True


def write_report(folder: Path, report: dict, names: dict[int, str]) -> dict[str, Path]:
    """Write report.json, error_matrix.csv, accuracy.png, report.md and report.html into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "report.json", "csv": folder / "error_matrix.csv"}
    write_bytes_atomic(paths["json"], json.dumps(report, indent=2).encode())
    write_bytes_atomic(paths["csv"], error_matrix_csv(report["report"], names).encode())
    plot = folder / "accuracy.png"
    if write_plot(plot, report):
        paths["plot"] = plot
    text = markdown(report, plot.name if "plot" in paths else None)
    paths["markdown"], paths["html"] = folder / "report.md", folder / "report.html"
    write_bytes_atomic(paths["markdown"], text.encode())
    write_bytes_atomic(paths["html"], html_page(text, plot.name if "plot" in paths else None).encode())
    return paths
