"""The accuracy assessment's Processing algorithms through ``processing.run``: a design written into the
record, then the report, partial while points are unlabelled and refused without Partial."""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException


def run(algorithm: str, parameters: dict) -> dict:
    import processing  # QGIS's Processing plugin, initialised by the qgis_processing fixture

    return processing.run(f"isage:{algorithm}", parameters)


def label(record: Path, design_id: str, point_ids, class_of) -> None:
    """Reference labels written as another program would (the record's triggers check them)."""
    with closing(sqlite3.connect(record)) as conn, conn:
        for point_id in point_ids:
            class_id = class_of(point_id)
            conn.execute(
                "INSERT INTO assessment_labels (uid, design_id, point_id, class_id, unsure, annotator, "
                "created_utc) VALUES (?, ?, ?, ?, ?, 'tester', '2026-12-06T21:40:00+00:00')",
                (uuid.uuid4().hex, design_id, point_id, class_id, int(class_id is None)),
            )


def test_design_then_report_through_processing(isage_provider, engine_workspace, engine_cli, tmp_path):
    ws = engine_workspace.copy("assess_processing")
    record = ws / "clicks.gpkg"
    engine_cli("predict", str(ws), "--device", "cpu")  # the map of iteration 0 in the workspace
    design = run("assessdesign", {
        "WORKSPACE": str(record), "SIZE": 20, "ALLOCATION": 2, "SEED": 5, "ANNOTATOR": "tester",
    })  # fmt: skip
    with closing(sqlite3.connect(record)) as conn:
        stored = conn.execute(
            "SELECT design_id, iteration, created_by, seed, settings FROM assessment_designs"
        )
        (design_id, iteration, created_by, seed, settings) = stored.fetchone()
        strata = conn.execute("SELECT stratum, COUNT(*) FROM assessment_points GROUP BY stratum").fetchall()
        points = conn.execute("SELECT point_id, stratum FROM assessment_points ORDER BY point_id").fetchall()
    assert design["DESIGN_ID"] == design_id and (iteration, created_by, seed) == (0, "tester", 5)
    assert design["SIZE"] == 20 == len(points) and 0 < design["ANTICIPATED_SE"] < 0.5
    assert json.loads(settings)["allocation"] == "equal" and {n for _, n in strata} == {4}

    stratum = dict(points)
    label(record, design_id, range(1, 11), lambda p: stratum[p])  # the first half: the map is right
    with pytest.raises(QgsProcessingException, match="unlabelled|not labelled|label"):
        run("assessreport", {"WORKSPACE": str(ws)})
    partial = run(
        "assessreport", {"WORKSPACE": str(ws), "PARTIAL": True, "OUTPUT": str(tmp_path / "partial")}
    )
    assert (partial["LABELLED"], partial["UNLABELLED"]) == (10, 10)
    assert (
        partial["OUTPUT"] == str(tmp_path / "partial")
        and Path(partial["HTML"]).parent == tmp_path / "partial"
    )

    label(record, design_id, range(11, 21), lambda p: None if p == 20 else (stratum[p] + p % 2) % 5)
    full = run("assessreport", {"WORKSPACE": str(record), "DESIGN": design_id[:8]})
    assert full["DESIGN_ID"] == design_id and (full["LABELLED"], full["UNLABELLED"]) == (20, 0)
    for key in ("JSON", "CSV", "MARKDOWN", "HTML", "PLOT"):
        assert Path(full[key]).is_file() and Path(full[key]).parent == Path(full["OUTPUT"]), key
    engine = next(e for e in engine_cli("assess", "report", str(ws)) if e["event"] == "result")
    overall = engine["report"]["overall_accuracy"]
    assert full["OVERALL_ACCURACY"] == pytest.approx(overall["estimate"])
    assert full["OVERALL_ACCURACY_SE"] == pytest.approx(overall["se"]) and full["OVERALL_ACCURACY_SE"] > 0
    assert [full["OVERALL_ACCURACY_LOW"], full["OVERALL_ACCURACY_HIGH"]] == pytest.approx(overall["ci95"])
    assert full["OVERALL_ACCURACY_LOW"] < full["OVERALL_ACCURACY"] < full["OVERALL_ACCURACY_HIGH"] <= 1
