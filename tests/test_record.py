"""The click record GeoPackage: round trip, GDAL readability, click placement, refusals, audit trail."""

import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import warnings

import numpy as np
import pytest
import rasterio
from rasterio.crs import CRS

from isage_core import geo
from isage_core.errors import IsageError
from isage_core.record import gpkg
from isage_core.record.click_record import SCHEMA_VERSION, ClassDef, ClickRecord, Run

from .assessment_testutil import drop_assessment_tables

UTM = CRS.from_epsg(31983)


def one_line(exc_info, *needles):
    text = str(exc_info.value)
    assert "\n" not in text
    for needle in needles:
        assert needle in text, text
    return text


def test_create_open_round_trip(click_record, record_frames, record_classes):
    rec = click_record
    assert rec.crs == UTM
    click = rec.add_click("a", 1, row=10, col=20, annotator="ana", note="roof edge")
    rec.add_run(
        Run(
            0,
            "models/iter0.safetensors",
            1,
            rec.clicks_hash(0),
            {"miou": np.float32(0.5)},
            [3, 4],
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:01:00+00:00",
            60.0,
            "cpu",
        )
    )
    rec.retract_click(click.uid, by="ana", reason="wrong class")
    later = rec.add_click("b", 2, row=0, col=255, annotator="ana")

    again = ClickRecord.open(rec.path)
    assert again.path == rec.path
    assert again.crs == UTM
    assert again.classes() == record_classes
    assert again.class_ids() == [0, 1, 2]
    frames = again.frames()
    assert [f.name for f in frames] == ["a", "b"]
    assert frames[0].info == geo.frame_info(record_frames["a"])
    assert frames[0].exists and frames[0].path == record_frames["a"].resolve()
    assert again.frame("b").info.fingerprint == geo.frame_info(record_frames["b"]).fingerprint
    old, new = again.clicks(include_retracted=True)
    assert (old.uid, old.frame, old.row, old.col, old.class_id, old.iteration) == (
        click.uid,
        "a",
        10,
        20,
        1,
        0,
    )
    assert (old.annotator, old.note, old.created_utc) == ("ana", "roof edge", click.created_utc)
    assert old.retracted and old.retracted_by == "ana" and old.retract_reason == "wrong class"
    assert old.retracted_utc and old.retracted_utc >= old.created_utc
    assert len(old.uid) == 32 and old.fid == click.fid
    assert new == later and new.iteration == 1 and not new.retracted and new.retracted_utc is None
    assert again.clicks() == [later]
    (run,) = again.runs()
    assert (
        run.metrics == {"miou": 0.5}
        and run.unresolved == [3, 4]
        and run.model_path == "models/iter0.safetensors"
    )
    assert (run.iteration, run.clicks_used, run.duration_s, run.device) == (0, 1, 60.0, "cpu")
    assert again.current_iteration() == 1

    conn = sqlite3.connect(rec.path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 10300
    srs = dict(conn.execute("SELECT srs_id, organization FROM gpkg_spatial_ref_sys").fetchall())
    assert srs == {-1: "NONE", 0: "NONE", 4326: "EPSG", 31983: "EPSG"}
    kinds = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert kinds == {
        "clicks": "features",
        "classes": "attributes",
        "frames": "attributes",
        "runs": "attributes",
        "isage_meta": "attributes",
        "assessment_designs": "attributes",
        "assessment_points": "features",
        "assessment_labels": "attributes",
        "frame_sources": "attributes",
    }
    assert conn.execute("SELECT value FROM isage_meta WHERE key = 'schema_version'").fetchone() == ("4",)
    conn.close()


def test_frame_paths_are_relative_and_survive_moving_the_folder(tmp_path, click_record, record_frames):
    assert [f.stored_path for f in click_record.frames()] == ["../imagery/a.tif", "../imagery/b.tif"]
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copytree(tmp_path / "ws", moved / "ws")
    shutil.copytree(tmp_path / "imagery", moved / "imagery")
    copy = ClickRecord.open(moved / "ws" / "record.gpkg")
    assert copy.frame("a").path == (moved / "imagery" / "a.tif").resolve() and copy.frame("a").exists


@pytest.mark.gdal_bindings
def test_gdal_reads_every_layer_with_crs_and_pixel_centres(click_record, record_frames):
    pyogrio = importlib.import_module("pyogrio")
    gpd = importlib.import_module("geopandas")
    rec = click_record
    rec.add_frame(record_frames["wgs"])
    a = rec.add_click("a", 1, row=10, col=20)
    w = rec.add_click("wgs", 2, row=100, col=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers = dict(pyogrio.list_layers(rec.path))
        gdf = gpd.read_file(rec.path, layer="clicks")
        frames = pyogrio.read_dataframe(rec.path, layer="frames")
        pyogrio.read_dataframe(rec.path, layer="runs")
        meta = pyogrio.read_dataframe(rec.path, layer="isage_meta")
    assert layers["clicks"] == "Point" and {"classes", "frames", "runs", "isage_meta"} <= set(layers)
    assert gdf.crs.to_epsg() == 31983 and list(gdf["uid"]) == [a.uid, w.uid]
    assert list(frames["name"]) == ["a", "b", "wgs"]
    assert dict(zip(meta["key"], meta["value"], strict=True))["schema_version"] == str(SCHEMA_VERSION)
    ax, ay = geo.pixel_center(geo.frame_info(record_frames["a"]).affine, 10, 20)
    assert (ax, ay) == (300000 + 20.5 * 0.24, 8250000 - 10.5 * 0.24)
    assert gdf.geometry[0].x == pytest.approx(ax, abs=1e-9) and gdf.geometry[0].y == pytest.approx(
        ay, abs=1e-9
    )
    lon, lat = geo.pixel_center(geo.frame_info(record_frames["wgs"]).affine, 100, 50)
    wx, wy = geo.reproject_points([lon], [lat], "EPSG:4326", UTM)
    assert gdf.geometry[1].x == pytest.approx(wx[0], abs=1e-6) and (w.x, w.y) == pytest.approx((wx[0], wy[0]))
    if shutil.which("ogrinfo"):
        out = subprocess.run(["ogrinfo", "-so", str(rec.path), "clicks"], capture_output=True, text=True)
        assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
        assert 'ID["EPSG",31983]' in out.stdout and "Feature Count: 2" in out.stdout
    validate = importlib.import_module("osgeo_utils.samples.validate_gpkg")
    validate.check(str(rec.path))  # raises on any GeoPackage conformance error


def test_record_without_crs_until_first_frame(tmp_path, record_frames, record_classes):
    rec = ClickRecord.create(tmp_path / "r.gpkg", record_classes)
    assert rec.crs is None
    rec.add_frame(record_frames["wgs"])
    assert rec.crs == CRS.from_epsg(4326)
    c = rec.add_click("wgs", 0, row=0, col=0)
    assert (c.x, c.y) == pytest.approx((-47.9 + 1.1e-6, -15.78 - 1.1e-6))
    fixed = ClickRecord.create(tmp_path / "fixed.gpkg", record_classes, crs="EPSG:31983")
    fixed.add_frame(record_frames["wgs"])
    assert fixed.crs == UTM


def test_click_by_map_coordinates_in_another_crs_is_snapped(click_record):
    rec = click_record
    cx, cy = geo.pixel_center(rec.frame("b").info.affine, 37, 201)
    lon, lat = geo.reproject_points([cx + 0.1], [cy - 0.11], UTM, "EPSG:4326")
    click = rec.add_click("b", 2, x=float(lon[0]), y=float(lat[0]), crs="EPSG:4326")
    assert (click.row, click.col) == (37, 201)
    assert (click.x, click.y) == pytest.approx((cx, cy), abs=1e-9)
    native = rec.add_click("a", 2, x=300000.01, y=8250000 - 255.9 * 0.24)
    assert (native.row, native.col) == (255, 0)


def test_refusals(click_record, record_frames):
    rec = click_record
    rec.add_frame(record_frames["nd"])
    with pytest.raises(IsageError) as err:
        rec.add_click("a", 1, row=256, col=3)
    one_line(err, "a.tif", "outside frame 'a'")
    with pytest.raises(IsageError) as err:
        rec.add_click("a", 1, x=299999.9, y=8249999.0)
    one_line(err, "outside")
    with pytest.raises(IsageError) as err:
        rec.add_click("nd", 1, row=5, col=31)
    one_line(err, "nd.tif", "nodata")
    assert rec.add_click("nd", 1, row=5, col=32).col == 32
    with pytest.raises(IsageError) as err:
        rec.add_click("a", 7, row=1, col=1)
    one_line(err, str(rec.path), "unknown class 7")
    with pytest.raises(IsageError) as err:
        rec.add_click("nope", 1, row=1, col=1)
    one_line(err, str(rec.path), "no frame named 'nope'")
    with pytest.raises(IsageError):
        rec.add_click("a", 1, row=1, col=1, x=3.0, y=4.0)
    first = rec.add_click("a", 1, row=1, col=1)
    with pytest.raises(IsageError) as err:
        rec.add_click("a", 1, row=50, col=50)
    one_line(err, "one click per class per frame per iteration", first.uid, "retract", "--over-budget")
    rec.add_click("a", 2, row=50, col=50)  # another class is within budget
    assert rec.add_click("a", 1, row=60, col=60, enforce_budget=False).class_id == 1
    with pytest.raises(IsageError) as err:
        rec.add_frame(record_frames["a"], name="again")
    one_line(err, "already in the record", "frame 'a'")
    assert len(rec.clicks()) == 4


def test_unreadable_files_give_one_line_errors(tmp_path, click_record, record_classes):
    missing = tmp_path / "missing.gpkg"
    with pytest.raises(IsageError) as err:
        ClickRecord.open(missing)
    one_line(err, str(missing), "not found")
    noise = tmp_path / "noise.gpkg"
    noise.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(IsageError) as err:
        ClickRecord.open(noise)
    one_line(err, str(noise), "not a GeoPackage")
    plain = tmp_path / "plain.gpkg"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(IsageError) as err:
        ClickRecord.open(plain)
    one_line(err, str(plain), "not a GeoPackage")
    other = tmp_path / "other.gpkg"
    gpkg.create_geopackage(other).close()
    with pytest.raises(IsageError) as err:
        ClickRecord.open(other)
    one_line(err, str(other), "not an iSAGE click record")
    with sqlite3.connect(click_record.path) as conn:
        conn.execute("UPDATE isage_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(IsageError) as err:
        ClickRecord.open(click_record.path)
    one_line(err, "newer iSAGE", "upgrade")
    with pytest.raises(IsageError) as err:
        ClickRecord.create(click_record.path, record_classes)
    one_line(err, "already exists")


def test_read_only_and_locked_records(click_record, monkeypatch):
    rec = click_record
    rec.add_click("a", 1, row=3, col=3)
    os.chmod(rec.path, 0o444)
    try:
        with pytest.raises(IsageError) as err:
            rec.add_click("b", 1, row=3, col=3)
        one_line(err, str(rec.path), "read-only")
        assert len(ClickRecord.open(rec.path).clicks()) == 1  # reading still works
    finally:
        os.chmod(rec.path, 0o644)
    monkeypatch.setattr(ClickRecord, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(rec.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(IsageError) as err:
            rec.add_click("b", 1, row=3, col=3)
        one_line(err, str(rec.path), "locked", "close it")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert rec.add_click("b", 1, row=3, col=3).frame == "b"


def test_retraction_is_kept_and_frees_the_budget(click_record):
    rec = click_record
    c = rec.add_click("a", 1, row=4, col=4)
    r = rec.retract_click(c.fid, by="bo", reason="misclick")
    assert r.uid == c.uid and r.retracted and r.retracted_by == "bo"
    assert rec.clicks() == [] and rec.clicks(include_retracted=True) == [r]
    with pytest.raises(IsageError) as err:
        rec.retract_click(c.uid)
    one_line(err, "already retracted")
    with pytest.raises(IsageError):
        rec.retract_click("0" * 32)
    replacement = rec.add_click("a", 1, row=4, col=5)
    assert [k.uid for k in rec.clicks()] == [replacement.uid]
    with sqlite3.connect(rec.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM clicks").fetchone()[0] == 2


def test_triggers_refuse_deleting_changing_and_unretracting(click_record):
    rec = click_record
    c = rec.add_click("a", 1, row=4, col=4)
    gone = rec.add_click("b", 1, row=4, col=4)
    rec.retract_click(gone.uid)
    conn = sqlite3.connect(rec.path)
    with pytest.raises(sqlite3.DatabaseError, match="retracted, not deleted"):
        conn.execute("DELETE FROM clicks WHERE fid = ?", (c.fid,))
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        conn.execute("UPDATE clicks SET class_id = 2 WHERE fid = ?", (c.fid,))
    with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
        conn.execute("UPDATE clicks SET geom = ? WHERE fid = ?", (gpkg.encode_point(0, 0, 31983), c.fid))
    with pytest.raises(sqlite3.DatabaseError, match="cannot be restored"):
        conn.execute("UPDATE clicks SET retracted = 0 WHERE fid = ?", (gone.fid,))
    conn.execute(
        "UPDATE clicks SET note = 'edited in QGIS', row = row, class_id = class_id WHERE fid = ?", (c.fid,)
    )
    conn.commit()
    conn.close()
    assert [(k.class_id, k.note) for k in rec.clicks(include_retracted=True)] == [
        (1, "edited in QGIS"),
        (1, ""),
    ]


def _insert_sql(columns: str) -> str:
    return f"INSERT INTO clicks ({columns}) SELECT {columns} FROM clicks WHERE fid = ?"


def test_the_audit_trail_holds_against_every_write_that_could_rewrite_a_click(click_record):
    """REPLACE deletes without firing delete triggers, an UPSERT updates through an insert, a view's
    INSTEAD OF trigger writes on behalf of the view: none may change, remove or re-date a click."""
    rec = click_record
    keep = rec.add_click("a", 1, row=4, col=4)
    other = rec.add_click("b", 1, row=4, col=4)
    rec.retract_click(other.uid, by="ann", reason="wrong class")
    before = rec.clicks(include_retracted=True)
    same_row = "fid, uid, frame, row, col, class_id, iteration, annotator, created_utc, geom"
    attempts = {
        "INSERT OR REPLACE": (_insert_sql(same_row).replace("INSERT", "INSERT OR REPLACE"), (keep.fid,)),
        "REPLACE": (_insert_sql(same_row).replace("INSERT", "REPLACE"), (keep.fid,)),
        "REPLACE by uid": (
            "REPLACE INTO clicks (uid, frame, row, col, class_id, iteration, created_utc) "
            "VALUES (?, 'a', 9, 9, 2, 0, 'now')",
            (keep.uid,),
        ),
        "UPSERT": (
            _insert_sql(same_row) + " ON CONFLICT(uid) DO UPDATE SET class_id = 2",
            (keep.fid,),
        ),
        "UPSERT on fid": (
            _insert_sql(same_row) + " ON CONFLICT(fid) DO UPDATE SET note = 'x', class_id = 2",
            (keep.fid,),
        ),
        "UPDATE OR REPLACE uid": (
            "UPDATE OR REPLACE clicks SET uid = ? WHERE fid = ?",
            (other.uid, keep.fid),
        ),
        "UPDATE OR REPLACE fid": (
            "UPDATE OR REPLACE clicks SET fid = ? WHERE fid = ?",
            (other.fid, keep.fid),
        ),
        "UPDATE fid": ("UPDATE clicks SET fid = fid + 100 WHERE fid = ?", (keep.fid,)),
        "UPDATE uid": ("UPDATE clicks SET uid = 'forged' WHERE fid = ?", (keep.fid,)),
        "UPDATE created": ("UPDATE clicks SET created_utc = '2020-01-01' WHERE fid = ?", (keep.fid,)),
        "re-date a retraction": (
            "UPDATE clicks SET retracted_utc = '2020-01-01' WHERE fid = ?",
            (other.fid,),
        ),
        "re-assign a retraction": ("UPDATE clicks SET retracted_by = 'someone' WHERE fid = ?", (other.fid,)),
        "reason without retracting": ("UPDATE clicks SET retract_reason = 'x' WHERE fid = ?", (keep.fid,)),
        "DELETE through a view": ("DELETE FROM clicks_view WHERE fid = ?", (keep.fid,)),
        "UPDATE through a view": ("UPDATE clicks_view SET class_id = 2 WHERE fid = ?", (keep.fid,)),
        "REPLACE through a view": ("INSERT INTO clicks_view (fid) VALUES (?)", (keep.fid,)),
    }
    conn = sqlite3.connect(rec.path)
    conn.executescript(  # schema statements (out of the trail's scope) that route writes through a view
        """CREATE VIEW clicks_view AS SELECT * FROM clicks;
        CREATE TRIGGER v_delete INSTEAD OF DELETE ON clicks_view BEGIN
            DELETE FROM clicks WHERE fid = OLD.fid; END;
        CREATE TRIGGER v_update INSTEAD OF UPDATE ON clicks_view BEGIN
            UPDATE clicks SET class_id = NEW.class_id WHERE fid = OLD.fid; END;
        CREATE TRIGGER v_insert INSTEAD OF INSERT ON clicks_view BEGIN
            INSERT OR REPLACE INTO clicks (fid, uid, frame, row, col, class_id, iteration, created_utc)
            SELECT fid, uid, frame, 0, 0, 2, iteration, created_utc FROM clicks WHERE fid = NEW.fid; END;"""
    )
    passed = []
    for name, (sql, params) in attempts.items():
        try:
            conn.execute(sql, params)
            passed.append(name)
        except sqlite3.DatabaseError as exc:
            assert "iSAGE" in str(exc), (name, exc)
    conn.commit()
    conn.close()
    assert passed == [] and rec.clicks(include_retracted=True) == before


def test_an_older_record_is_upgraded_on_its_first_write_and_merges_unchanged(
    tmp_path, click_record, record_classes
):
    """A schema-1 record (without the REPLACE guard) is read as it is, merged without being modified, and
    gets the current triggers and version in the first transaction that writes to it."""
    from isage_core.record.merge import merge_records
    from isage_core.record.schema import _V2_TRIGGERS

    old = click_record
    old.add_click("a", 1, row=4, col=4, annotator="old")
    conn = sqlite3.connect(old.path)  # what schema 1 created: without the schema-2 triggers and tables
    for sql in _V2_TRIGGERS:
        conn.execute(f"DROP TRIGGER {sql.split()[2]}")
    drop_assessment_tables(conn)
    conn.execute("UPDATE isage_meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    shutil.copy(old.path, tmp_path / "colleague.gpkg")
    colleague = tmp_path / "colleague.gpkg"
    unchanged = colleague.read_bytes()

    target = ClickRecord.create(tmp_path / "ws" / "mine.gpkg", record_classes)
    report = merge_records(target, colleague)
    assert report.added_clicks == 1 and colleague.read_bytes() == unchanged
    assert [c.annotator for c in ClickRecord.open(colleague).clicks()] == ["old"]

    reopened = ClickRecord.open(colleague)
    reopened.add_click("b", 2, row=5, col=5)  # the first write upgrades it
    conn = sqlite3.connect(colleague)
    assert conn.execute("SELECT value FROM isage_meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    with pytest.raises(sqlite3.DatabaseError, match="cannot be replaced"):
        conn.execute(_insert_sql("fid, uid, frame, row, col, class_id, iteration, created_utc").replace(
            "INSERT", "INSERT OR REPLACE"), (1,))  # fmt: skip
    conn.close()
    assert len(ClickRecord.open(colleague).clicks()) == 2


_OGR_EDIT = """
import json, sys
from osgeo import ogr
ogr.UseExceptions() if sys.argv[3] == "on" else ogr.DontUseExceptions()

def refused(call):
    try:
        return call() != 0  # without exceptions OGR returns an error code
    except RuntimeError:
        return True  # with exceptions (QGIS 3.40 turns them on once Processing has started) it raises

ds = ogr.Open(sys.argv[1], 1)
layer = ds.GetLayerByName("clicks")
feature = layer.GetFeature(int(sys.argv[2]))
feature.SetField("note", "checked")
kept = layer.SetFeature(feature) == 0
feature.SetField("class_id", 2)
print(json.dumps({"note_saved": kept, "class_refused": refused(lambda: layer.SetFeature(feature)),
                  "delete_refused": refused(lambda: layer.DeleteFeature(int(sys.argv[2])))}))
"""


@pytest.mark.gdal_bindings
@pytest.mark.parametrize("exceptions", ["off", "on"])
def test_ogr_edits_like_qgis(click_record, exceptions):
    """OGR, as QGIS edits the GeoPackage, may save a note but never change or delete a click, whether
    GDAL's Python exceptions are off (QGIS up to 3.38) or on (3.40 once Processing has started)."""
    rec = click_record
    c = rec.add_click("a", 1, row=4, col=4)
    done = subprocess.run(
        [sys.executable, "-c", _OGR_EDIT, str(rec.path), str(c.fid), exceptions],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # OGR rewrites every column: an unchanged geometry must pass, so the note is saved
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "note_saved": True, "class_refused": True, "delete_refused": True
    }  # fmt: skip
    (k,) = rec.clicks()
    assert (k.note, k.class_id, k.x, k.y) == ("checked", 1, c.x, c.y)  # refused: the row is unchanged


def test_iterations_follow_runs_and_hash_tracks_clicks(click_record):
    rec = click_record
    assert rec.current_iteration() == 0
    c0 = rec.add_click("a", 1, row=1, col=1)
    h0 = rec.clicks_hash(0)
    rec.add_run(Run(0, "m0", 1, h0, {}, [], "s", "f", 1.0, "cpu"))
    assert rec.current_iteration() == 1
    c1 = rec.add_click("a", 1, row=2, col=2)  # a new iteration has a new budget
    assert c1.iteration == 1
    assert [c.uid for c in rec.clicks(max_iteration=0)] == [c0.uid]
    assert rec.clicks_hash(0) == h0 and rec.clicks_hash(1) != h0
    rec.retract_click(c0.uid)
    assert rec.clicks_hash(0) != h0
    rec.add_run(Run(1, "m1", 1, rec.clicks_hash(1), {}, [], "s", "f", 1.0, "cpu"))
    assert rec.current_iteration() == 2 and [r.iteration for r in rec.runs()] == [0, 1]


def test_relink_and_resolve_missing_frames(tmp_path, click_record, record_frames):
    rec = click_record
    store = tmp_path / "store" / "deep"
    store.mkdir(parents=True)
    shutil.move(record_frames["a"], store / "a.tif")
    shutil.move(record_frames["b"], store / "renamed.tif")
    assert not rec.frame("a").exists
    c = rec.add_click("a", 1, row=7, col=7)  # row/col still accepted while the file is missing
    assert (c.row, c.col) == (7, 7)
    with pytest.raises(IsageError) as err:
        rec.relink_frame("a", store / "renamed.tif")
    one_line(err, "not the raster of frame 'a'")
    assert sorted(rec.resolve_missing_frames([tmp_path / "store"])) == ["a", "b"]
    assert rec.frame("a").path == (store / "a.tif").resolve() and rec.frame("b").exists
    assert rec.frame("b").stored_path == "../store/deep/renamed.tif"
    assert rec.resolve_missing_frames([tmp_path / "store"]) == []
    shutil.move(store / "a.tif", tmp_path / "a_moved.tif")
    assert rec.relink_frame("a", tmp_path / "a_moved.tif").stored_path == "../a_moved.tif"


def test_frames_names_and_classes(tmp_path, click_record, record_frames):
    rec = click_record
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(record_frames["nd"], other / "a.tif")
    assert rec.add_frame(other / "a.tif").name == "a_2"
    with pytest.raises(IsageError):
        rec.add_frame(record_frames["wgs"], name="b")
    rec.set_class(ClassDef(1, "house", "#00FF00"))
    rec.set_class(ClassDef(5, "water", "#0000ff"))
    assert rec.classes()[1] == ClassDef(1, "house", "#00ff00") and rec.class_ids() == [0, 1, 2, 5]
    for bad in (ClassDef(6, "x", "red"), ClassDef(6, "road", "#123456")):
        with pytest.raises(IsageError):
            rec.set_class(bad)
    ungeo = tmp_path / "ungeo.tif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not georeferenced, on purpose
        with rasterio.open(ungeo, "w", driver="GTiff", width=16, height=16, count=1, dtype="uint8") as dst:
            dst.write(np.ones((1, 16, 16), dtype="uint8"))
    with pytest.raises(IsageError) as err:
        rec.add_frame(ungeo)
    one_line(err, "no CRS")


def test_wal_journal_mode_of_a_file_open_in_qgis_is_kept(click_record):
    rec = click_record
    qgis = sqlite3.connect(rec.path)
    assert qgis.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    c = rec.add_click("a", 1, row=9, col=9)
    assert [k.uid for k in ClickRecord.open(rec.path).clicks()] == [c.uid]
    assert qgis.execute("SELECT uid FROM clicks").fetchall() == [(c.uid,)]  # visible to the other program
    assert qgis.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    qgis.close()
