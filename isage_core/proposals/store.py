"""``proposals.gpkg``: one point layer of the proposals, in the click record's CRS, written atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import atomic_output
from ..errors import IsageError
from ..inference.vectorize import GPKG_OPTIONS
from .select import Proposal

LAYER = "proposals"
COLUMNS = ("frame", "row", "col", "class_id", "class_name", "score", "reason", "rank")


def write_proposals(
    path: str | Path, proposals: list[Proposal], xy: list[tuple[float, float]], crs_wkt: str | None,
    class_names: dict[int, str],
) -> Path:  # fmt: skip
    """Write ``proposals`` (points at ``xy``, in ``crs_wkt``) as the layer ``proposals``; ``rank`` is the
    order the panel steps through them (best first, frame by frame)."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    path = Path(path)
    table = pd.DataFrame(
        {
            "frame": pd.Series([p.frame for p in proposals], dtype="string"),
            "row": np.asarray([p.row for p in proposals], dtype=np.int32),
            "col": np.asarray([p.col for p in proposals], dtype=np.int32),
            "class_id": np.asarray([p.class_id for p in proposals], dtype=np.int32),
            "class_name": pd.Series(
                [class_names.get(p.class_id, str(p.class_id)) for p in proposals], dtype="string"
            ),
            "score": np.asarray([round(p.score, 6) for p in proposals], dtype=np.float64),
            "reason": pd.Series([p.reason for p in proposals], dtype="string"),
            "rank": np.arange(1, len(proposals) + 1, dtype=np.int32),
        }
    )
    points = shapely.points(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
    frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(points, crs=crs_wkt), crs=crs_wkt)
    with atomic_output(path) as tmp:
        frame.to_file(
            tmp, layer=LAYER, driver="GPKG", engine="pyogrio", geometry_type="Point",
            dataset_options=GPKG_OPTIONS,
        )  # fmt: skip
    return path


def read_proposals(path: str | Path) -> list[Proposal]:
    """The proposals of a ``proposals.gpkg``, in rank order."""
    import pyogrio

    path = Path(path)
    if not path.is_file():
        raise IsageError(f"{path}: no proposals file; run `isage propose WORKSPACE` first")
    table = pyogrio.read_dataframe(path, layer=LAYER, read_geometry=False).sort_values("rank")
    return [
        Proposal(str(r.frame), int(r.row), int(r.col), int(r.class_id), float(r.score), str(r.reason))
        for r in table.itertuples()
    ]
