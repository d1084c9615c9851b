"""The sample as a file a person fills in elsewhere (``isage assess points``), and the labels read back
from such a file (``isage assess label``): a GeoPackage, or a CSV, with one row per point.

The file carries the design id, the point id, the frame pixel and the point's coordinates, and an
empty ``class`` column, never the map's class (a person must label blind).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..atomic import atomic_output
from ..errors import IsageError
from ..record.assessment import Design, LabelRequest, SamplePoint

UNSURE_VALUES = {"unsure", "?", "u"}
COLUMNS = ("design_id", "point_id", "frame", "row", "col", "x", "y", "class")


def write_points(path: str | Path, design: Design, points: list[SamplePoint], crs) -> Path:
    """Write the points to ``path`` (``.gpkg`` or ``.csv``) with an empty ``class`` column."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gpkg", ".csv"):
        raise IsageError(f"{path}: write the sample as a GeoPackage (.gpkg) or a CSV (.csv)")
    rows = [(design.design_id, p.point_id, p.frame, p.row, p.col, p.x, p.y, "") for p in points]
    with atomic_output(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(COLUMNS)
                writer.writerows(rows)
        else:
            import geopandas as gpd
            import pandas as pd
            from shapely.geometry import Point

            table = pd.DataFrame(rows, columns=COLUMNS).astype({"class": "string"})
            frame = gpd.GeoDataFrame(
                table, geometry=[Point(p.x, p.y) for p in points], crs=crs.to_wkt() if crs else None
            )
            frame.to_file(tmp, layer="assessment_sample", driver="GPKG", engine="pyogrio", VERSION="1.3")
    return path


def _read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise IsageError(f"{path}: file not found; give the filled-in sample (.csv or .gpkg)")
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))
    try:
        import pyogrio

        table = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:
        raise IsageError(f"{path}: not a readable table ({exc}); give a CSV or a GeoPackage") from exc
    return table.to_dict("records")


def read_labels(
    path: str | Path,
    design: Design,
    points: list[SamplePoint],
    class_field: str,
    class_names: dict[str, int],
    *,
    point_field: str = "point_id",
    annotator: str = "",
) -> tuple[list[LabelRequest], int]:
    """The labels of a filled-in sample file and how many rows were left empty; refuses the whole file
    (one line naming it and the fix) when a row names another design, an unknown point or pixel, or a
    class the record does not have. Class values are ids, names, or ``unsure`` (also ``?``)."""
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise IsageError(f"{path}: no rows; give the sample file `isage assess points` wrote, filled in")
    for field in (class_field, point_field):
        if field not in rows[0]:
            raise IsageError(
                f"{path}: no column '{field}' (columns: {', '.join(rows[0])}); name the right one"
            )
    by_id = {p.point_id: p for p in points}
    ids = set(class_names.values())
    requests, empty, problems = [], 0, []
    for number, row in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1):
        source = f"{path.name} row {number}"
        other = str(row.get("design_id") or "").strip()
        if other and other != design.design_id:
            problems.append(f"{source}: design {other[:8]}, not {design.design_id[:8]}")
            continue
        try:
            point_id = int(float(row[point_field]))
        except (TypeError, ValueError):
            problems.append(f"{source}: point id {row[point_field]!r} is not a number")
            continue
        point = by_id.get(point_id)
        if point is None:
            problems.append(f"{source}: design {design.design_id[:8]} has no point {point_id}")
            continue
        if "frame" in row and row.get("row") not in (None, ""):
            where = (str(row["frame"]), int(float(row["row"])), int(float(row["col"])))
            if where != (point.frame, point.row, point.col):
                problems.append(
                    f"{source}: point {point_id} is at another pixel in this record (another workspace?)"
                )
                continue
        value = row.get(class_field)
        text = "" if value is None or value != value else str(value).strip()  # NaN != NaN
        if not text:
            empty += 1
            continue
        who = annotator or str(row.get("annotator") or "").strip()
        if text.lower() in UNSURE_VALUES:
            requests.append(LabelRequest(source, point_id, None, True, who, f"imported from {path.name}"))
            continue
        class_id = _class_of(text, class_names, ids)
        if class_id is None:
            problems.append(f"{source}: class {text!r} is neither a class id nor a class name of the record")
            continue
        requests.append(LabelRequest(source, point_id, class_id, False, who, f"imported from {path.name}"))
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise IsageError(
            f"{path}: {len(problems)} row(s) refused, nothing labelled: {'; '.join(problems[:3])}{more}; fix "
            "the file (export it again with `isage assess points`)"
        )
    return requests, empty


def _class_of(text: str, class_names: dict[str, int], ids: set[int]) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return class_names.get(text) or next(
            (i for n, i in class_names.items() if n.lower() == text.lower()), None
        )
    return int(value) if value.is_integer() and int(value) in ids else None
