"""The issue's ablation table: for each suspected cause of the method's clicks losing to random clicks,
the gap (a strategy's last-round mIoU minus random's, per seed) before and after the cause is fixed.

Reads only committed benchmark summaries (``benchmark.json`` of each folder under ``docs/benchmark``);
trains nothing. A gap is given as mean ± standard deviation over the seeds a folder holds (population
deviation, as the benchmark's report gives it); the change is the difference of the means. Where both
sides drew the same seed clicks and pickers per seed, only the seeds both ran count and the change's
spread is that of the per-seed differences; otherwise (human against simulated seed clicks, another
encoder) it is that of a difference of independent draws (the root of the summed variances).

Example::

    python benchmarks/ablation_gaps.py --markdown docs/benchmark/ablation/README_table.md \
        > docs/benchmark/ablation/ablation.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "docs" / "benchmark"


@dataclass(frozen=True)
class Side:
    folder: str  # under docs/benchmark
    method: str  # compared with random of the same folder

    def gaps(self) -> dict[int, float]:
        """Per seed: the method's last-round mIoU minus random's."""
        summary = json.loads((BENCH / self.folder / "benchmark.json").read_text())
        last = max(r["iteration"] for r in summary["rows"])
        final = {(r["method"], r["seed"]): r["val_miou"] for r in summary["rows"] if r["iteration"] == last}
        return {
            seed: final[(self.method, seed)] - final[("random", seed)]
            for (method, seed) in final
            if method == self.method and ("random", seed) in final
        }


@dataclass(frozen=True)
class Cause:
    name: str
    before: Side
    after: Side
    split: str
    paired: bool = True  # both sides ran the same seeds' seed clicks and pickers: compared seed by seed


CAUSES = (
    Cause("the authors' recipe (slow, clipped, constant rate; human seed clicks)",
          Side("three_seeds", "expert-depth"), Side("fidelity/last", "expert-depth"), "validation",
          paired=False),  # human seed clicks against simulated ones
    Cause("checkpoints chosen on the dense validation masks (the paper's protocol)",
          Side("fidelity/last", "expert-depth"), Side("fidelity/reference", "expert-depth"), "validation"),
    Cause("rounds trained to convergence (converge schedule)",
          Side("tuning/2026-12/T1", "expert-depth"), Side("tuning/2026-12/T2", "expert-depth"),
          "training (holdout)"),
    Cause("rounds trained to convergence (converge schedule)",
          Side("three_seeds", "expert-depth"), Side("validation", "expert-depth"), "validation"),
    Cause("clicks at a person's depth (the human seed clicks' depth) instead of the most confident error",
          Side("ablation", "expert-confident"), Side("ablation", "expert-depth"), "validation"),
    Cause("clicks deep inside the error region (RITM's pick) instead of the most confident error",
          Side("ablation", "expert-confident"), Side("ablation", "expert-ritm"), "validation"),
    Cause("typical pixels first (the engine's proposals) instead of errors at a person's depth",
          Side("ablation", "expert-depth"), Side("ablation", "proposed"), "validation"),
    Cause("the larger encoder (efficientnet-lite2 for lite0)",
          Side("tuning/2026-12/T3c", "expert-depth"), Side("tuning/2026-12/T3b", "expert-depth"),
          "training (holdout)", paired=False),  # another encoder: another seed round
)  # fmt: skip


def spread(values: list[float]) -> float | None:
    return float(np.std(values)) if len(values) > 1 else None


def row(cause: Cause) -> dict:
    before, after = cause.before.gaps(), cause.after.gaps()
    if cause.paired:  # only the seeds both sides ran
        common = set(before) & set(after)
        before = {s: g for s, g in before.items() if s in common}
        after = {s: g for s, g in after.items() if s in common}
    out = {
        "cause": cause.name,
        "split": cause.split,
        "before": {"folder": cause.before.folder, "method": cause.before.method, "gaps": before},
        "after": {"folder": cause.after.folder, "method": cause.after.method, "gaps": after},
        "paired": cause.paired,
    }
    if not before or not after:
        return out | {"change": None}
    mean_b, mean_a = float(np.mean(list(before.values()))), float(np.mean(list(after.values())))
    if cause.paired:
        change_spread = spread([after[s] - before[s] for s in sorted(before)])
    else:
        parts = [spread(list(before.values())), spread(list(after.values()))]
        known = [p for p in parts if p is not None]
        change_spread = math.sqrt(sum(p * p for p in known)) if known else None
    return out | {
        "gap_before": mean_b, "gap_before_spread": spread(list(before.values())),
        "gap_after": mean_a, "gap_after_spread": spread(list(after.values())),
        "change": mean_a - mean_b, "change_spread": change_spread,
    }  # fmt: skip


def _pm(mean: float | None, sd: float | None, n: int) -> str:
    if mean is None:
        return "not measured"
    return f"{mean:+.3f}" + (f" ± {sd:.3f}" if sd is not None else "") + f" ({n} seed{'s' if n > 1 else ''})"


def markdown(rows: list[dict]) -> str:
    lines = [
        "| cause fixed | split | gap before (method − random) | gap after | change in the gap |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        b, a = r["before"], r["after"]
        before = f"{b['method']} in `{b['folder']}`: " + _pm(r.get("gap_before"), r.get("gap_before_spread"),
                                                            len(b["gaps"]))  # fmt: skip
        after = f"{a['method']} in `{a['folder']}`: " + _pm(r.get("gap_after"), r.get("gap_after_spread"),
                                                           len(a["gaps"]))  # fmt: skip
        change = "" if r["change"] is None else _pm(r["change"], r["change_spread"], 0).split(" (")[0]
        if r["change"] is not None:
            change += " (paired by seed)" if r["paired"] else ""
        lines.append(f"| {r['cause']} | {r['split']} | {before} | {after} | {change} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    a = parser.parse_args(argv)
    rows = [row(c) for c in CAUSES]
    if a.markdown:
        a.markdown.write_text(markdown(rows))
    json.dump(rows, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
