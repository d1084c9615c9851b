"""Plain data of the click record (classes, clicks, counts), its errors, and small shared rules: class
validation and filter expressions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from qgis.core import QgsExpression, QgsFeature

from ..translation import tr

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ClickRecordError(Exception):
    """A one-line message naming the file and the fix; the record is left as it was."""


class ClickRefused(ClickRecordError):
    """The click or edit breaks a rule of the record (outside the frame, nodata, unknown class...)."""


class BudgetExceeded(ClickRefused):
    """One click per class per frame per iteration is already used (the override lifts the rule)."""


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    color: str  # '#rrggbb'


class ClassCount(NamedTuple):
    """Unretracted clicks of one class: in the current iteration, and in all iterations."""

    iteration: int
    total: int


@dataclass(frozen=True)
class ClickInfo:
    fid: int
    uid: str
    frame: str
    row: int
    col: int
    class_id: int
    iteration: int
    annotator: str
    created_utc: str
    note: str
    retracted: bool
    x: float  # pixel centre in the record CRS
    y: float

    @classmethod
    def of(cls, f: QgsFeature) -> ClickInfo:
        point = f.geometry().asPoint() if f.hasGeometry() else None

        def text(name: str) -> str:
            value = f[name]
            return "" if value is None or is_null(value) else str(value)

        return cls(
            int(f.id()),
            text("uid"),
            text("frame"),
            int(f["row"]),
            int(f["col"]),
            int(f["class_id"]),
            int(f["iteration"]),
            text("annotator"),
            text("created_utc"),
            text("note"),
            bool(f["retracted"]),
            point.x() if point else float("nan"),
            point.y() if point else float("nan"),
        )


def is_null(value: Any) -> bool:
    """QVariant NULL (PyQt5) or None (PyQt6)."""
    is_null = getattr(value, "isNull", None)
    return bool(is_null()) if callable(is_null) else value is None


def check_class(path: Path, c: ClassInfo, others: Iterable[ClassInfo]) -> None:
    """The engine's class rule: id >= 0, a name, a colour '#rrggbb', names unique."""
    if (
        isinstance(c.id, bool)
        or not isinstance(c.id, int)
        or c.id < 0
        or not str(c.name).strip()
        or not _COLOR.match(str(c.color))
    ):
        text = tr("{path}: invalid class {klass}; give an id >= 0, a name and a colour like '#ff0000'")
        raise ClickRefused(text.format(path=path, klass=repr(c)))
    for o in others:
        if o.name == c.name:
            text = tr("{path}: class name '{name}' is used by class {id}; choose another name")
            raise ClickRefused(text.format(path=path, name=c.name, id=o.id))


def eq_filter(**values: Any) -> str:
    """A QGIS expression ``"a" = 1 AND "b" = 'x'`` with names and values quoted."""
    return " AND ".join(
        f"{QgsExpression.quotedColumnRef(k)} = {QgsExpression.quotedValue(v)}" for k, v in values.items()
    )
