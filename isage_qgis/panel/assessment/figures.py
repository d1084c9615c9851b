"""The figures of ``isage assess report`` as the panel shows them: every number says what it measures,
and every estimate carries its 95% confidence interval. No widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...translation import tr


@dataclass(frozen=True)
class Estimate:
    """An estimated proportion (0..1) with its standard error and 95% confidence interval."""

    estimate: float
    se: float | None
    low: float | None  # None: the sample gives no interval (too few points, or all of them agree)
    high: float | None

    @classmethod
    def of(cls, value: dict | None) -> Estimate | None:
        if not isinstance(value, dict) or value.get("estimate") is None:
            return None
        low, high = (list(value.get("ci95") or []) + [None, None])[:2]
        se = value.get("se")
        return cls(
            float(value["estimate"]),
            None if se is None else float(se),
            None if low is None else float(low),
            None if high is None else float(high),
        )

    def percent(self) -> str:
        """``84.2% (95% interval 79.0% to 89.4%)``, or the estimate saying it has no interval."""
        if self.low is None or self.high is None:
            return tr("{estimate:.1f}% (no interval: too few labelled points, or all of them agree)").format(
                estimate=100 * self.estimate
            )
        return tr("{estimate:.1f}% (95% interval {low:.1f}% to {high:.1f}%)").format(
            estimate=100 * self.estimate, low=100 * self.low, high=100 * self.high
        )


@dataclass(frozen=True)
class ClassFigures:
    name: str
    users: Estimate | None
    producers: Estimate | None


@dataclass
class AssessmentFigures:
    """What the panel shows of one report (the engine's ``result`` event)."""

    design_id: str = ""
    iteration: int | None = None
    overall: Estimate | None = None
    iterations: list[tuple[int, Estimate]] = field(default_factory=list)
    classes: list[ClassFigures] = field(default_factory=list)
    points: int = 0
    labelled: int = 0  # points with a live label, unsure ones included (as the engine counts)
    unsure: int = 0
    unlabelled: int = 0
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, event: dict) -> AssessmentFigures:
        report = event.get("report") or {}
        iterations = []
        for item in event.get("iterations") or []:
            estimate = Estimate.of(item.get("overall_accuracy"))
            if estimate is not None and item.get("iteration") is not None:
                iterations.append((int(item["iteration"]), estimate))
        classes = [
            ClassFigures(
                str(c.get("name") or c.get("class_id")),
                Estimate.of(c.get("users_accuracy")),
                Estimate.of(c.get("producers_accuracy")),
            )
            for c in report.get("classes") or []
        ]
        return cls(
            str(event.get("design_id") or ""),
            None if report.get("iteration") is None else int(report["iteration"]),
            Estimate.of(report.get("overall_accuracy")),
            sorted(iterations),
            classes,
            int(event.get("points") or 0),
            int(event.get("labelled") or 0),
            int(event.get("unsure") or 0),
            int(event.get("unlabelled") or 0),
            [str(w) for w in event.get("warnings") or []],
            {str(k): str(v) for k, v in (event.get("outputs") or {}).items() if v},
        )

    @property
    def partial(self) -> bool:
        return self.unlabelled > 0

    def headline(self) -> str:
        """The overall accuracy of the latest iteration's map, or why there is none."""
        if self.overall is None:
            return tr("No map accuracy yet: too few sample points labelled with a class (see below).")
        return tr("Map accuracy of iteration {iteration} (overall accuracy): {figure}").format(
            iteration=self.iteration, figure=self.overall.percent()
        )

    def lines(self) -> list[str]:
        """Headline, how complete the sample is, accuracy per iteration and per class, the warnings."""
        out = [self.headline()]
        if self.partial:
            out.append(
                tr("Partial: {unlabelled} of {points} sample points not labelled yet; these figures will "
                   "change.").format(unlabelled=self.unlabelled, points=self.points)
            )  # fmt: skip
        out.append(
            tr("Estimated from {count} sample points labelled with a class ({unsure} marked unsure are left "
               "out).").format(count=max(self.labelled - self.unsure, 0), unsure=self.unsure)
        )  # fmt: skip
        for iteration, estimate in self.iterations:
            out.append(
                tr("Iteration {iteration}: overall accuracy {figure}").format(
                    iteration=iteration, figure=estimate.percent()
                )
            )
        for c in self.classes:
            users = c.users.percent() if c.users else tr("no sample point mapped as it")
            producers = c.producers.percent() if c.producers else tr("no sample point labelled as it")
            out.append(
                tr("{name}: user's accuracy {users}; producer's accuracy {producers}").format(
                    name=c.name, users=users, producers=producers
                )
            )
        out += self.warnings
        return out
