"""Taking a team's PostGIS record offline and bringing the work back.

:func:`export_offline` copies the record, as one consistent snapshot, into a new GeoPackage workspace
(the same classes, frames, clicks with their uids, authors, times and retractions, runs, imagery history
and accuracy assessment), checks that the copy reads back equal in content (:func:`record_content`), and
only then moves it into place. A field worker clicks in the copy with the plugin or the CLI, as in any
workspace. :func:`import_offline` (``isage merge`` on a PostGIS workspace) brings back what the copy has
that the team lacks: new clicks keep their uid and note, and the database records them, as always, as
the connected login's, made now, in the current iteration, within the team's budget; retractions made
offline are applied with the login's rights. What the database refuses is reported, never forced.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import psycopg

from ..errors import IsageError
from ..events import utc_now
from . import gpkg
from .assessment import _INSERT_DESIGN, _POINT_COLS
from .backends import assessment_store
from .click_record import ClickRecord
from .frame_sources import FrameSources
from .locate import stored_path
from .merge import Conflict, MergeReport
from .postgres.assessment import read_designs, read_labels, read_points
from .postgres.queries import SELECT_RUNS, SELECT_SOURCES, run_row, source_row
from .postgres.team_record import TeamRecord
from .schema import _RUN_COLS, ClickRequest, _json
from .workspace import RECORD_NAME, Workspace

log = logging.getLogger(__name__)
_CLICK_INSERT = (
    "INSERT INTO clicks (uid, frame, row, col, class_id, iteration, annotator, created_utc, note, retracted, "
    "retracted_utc, retracted_by, retract_reason, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_RUN_INSERT = f"INSERT INTO runs ({_RUN_COLS}) VALUES ({', '.join('?' * 10)})"  # nosec B608: constants
_LABEL_INSERT = (
    "INSERT INTO assessment_labels (uid, design_id, point_id, class_id, unsure, annotator, created_utc, "
    "note, retracted, retracted_utc, retracted_by, retract_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# ---- what a record says ---------------------------------------------------------------------------------
def record_content(record) -> dict:
    """Everything a record says, backend-neutral and comparable: classes; frames (their absolute paths,
    not how each record stores them); every click with its uid, author, times, retraction and point; runs;
    the imagery history; the assessment's designs, points and labels. Row ids are left out."""
    store = assessment_store(record)
    designs = store.designs()
    return _content(
        record.classes(),
        record.frames(),
        record.clicks(include_retracted=True),
        record.runs(),
        FrameSources(record).history(),
        designs,
        {d.design_id: store.points(d.design_id) for d in designs},
        {d.design_id: store.labels(d.design_id, include_retracted=True) for d in designs},
    )


def _content(classes, frames, clicks, runs, sources, designs, points, labels) -> dict:
    def without_fid(row) -> dict:
        return {k: v for k, v in asdict(row).items() if k != "fid"}

    return {
        "classes": [asdict(c) for c in classes],
        "frames": [{"name": f.name, "path": f.path.as_posix(), "info": asdict(f.info)} for f in frames],
        "clicks": [without_fid(c) for c in clicks],
        "runs": [asdict(r) for r in runs],
        "frame_sources": [asdict(s) for s in sources],
        "designs": [asdict(d) for d in designs],
        "points": {k: [asdict(p) for p in v] for k, v in points.items()},
        "labels": {k: [without_fid(lab) for lab in v] for k, v in labels.items()},
    }


# ---- offline copy ---------------------------------------------------------------------------------------
def export_offline(workspace: Workspace, destination: str | Path) -> Workspace:
    """Copy ``workspace``'s PostGIS record into a new GeoPackage workspace at ``destination`` (with the
    newest model, so the copy predicts offline). Nothing is left behind when it fails."""
    team = _team(workspace)
    dest = Path(destination)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise IsageError(f"{dest}: exists and is not an empty folder; give a new folder for the offline copy")
    snapshot = team.store._run(lambda cur: _read_all(team, cur), snapshot=True)
    staging = dest.parent / f".{dest.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for sub in ("", "models", "outputs"):
            (staging / sub).mkdir(parents=True, exist_ok=True)
        copy = ClickRecord.create(staging / RECORD_NAME, snapshot["classes"], crs=team.crs)
        _write_copy(copy, snapshot, dest.resolve(), team.where)
        latest = workspace.latest_model()
        if latest is not None:
            shutil.copy2(latest[1], staging / "models" / latest[1].name)
        if dest.exists():
            dest.rmdir()
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    offline = Workspace.open(dest)
    if record_content(offline.record) != snapshot["content"]:
        shutil.rmtree(dest, ignore_errors=True)
        raise IsageError(
            f"{dest}: the offline copy did not read back equal to {team.where}; nothing was kept"
        )
    clicks = len(snapshot["content"]["clicks"])
    log.info("offline copy of %s in %s: %d clicks, equal in content", team.where, dest, clicks)
    return offline


def _team(workspace: Workspace) -> TeamRecord:
    if workspace.record.backend != "postgis":
        raise IsageError(
            f"{workspace.record.where}: not a PostGIS record; a GeoPackage workspace is copied as a file"
        )
    return workspace.record


def _read_all(team: TeamRecord, cur: psycopg.Cursor) -> dict:
    """The whole record as one REPEATABLE READ transaction sees it."""
    store = team.store
    classes = store._read_classes(cur)
    frames = [team._local(f) for f in store._load_frames(cur)]
    clicks = store._select_clicks(cur, None, True)
    runs = [run_row(r) for r in cur.execute(SELECT_RUNS).fetchall()]
    sources = [source_row(r) for r in cur.execute(SELECT_SOURCES, {"f": None}).fetchall()]
    designs = read_designs(cur)
    points = {d.design_id: read_points(cur, d.design_id) for d in designs}
    labels = {d.design_id: read_labels(cur, d.design_id, True) for d in designs}
    parts = dict(
        classes=classes, frames=frames, clicks=clicks, runs=runs, sources=sources, designs=designs,
        points=points, labels=labels,
    )  # fmt: skip
    return dict(parts, content=_content(**parts))


def _write_copy(copy: ClickRecord, s: dict, final_folder: Path, origin: str) -> None:
    """Write the snapshot ``s`` into the new GeoPackage ``copy`` in one transaction."""
    with copy._connect(write=True) as conn:
        for f in s["frames"]:
            copy._insert_frame(conn, f.name, stored_path(f.path, final_folder), f.info)
        for r in s["sources"]:
            conn.execute(
                "INSERT INTO frame_sources (frame, event, source, fingerprint, fetched_utc, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    r.frame,
                    r.event,
                    json.dumps(r.source, sort_keys=True),
                    r.fingerprint,
                    r.fetched_utc,
                    r.detail,
                ),
            )
        srs = gpkg.features_srs_id(conn, "clicks")
        conn.executemany(
            _CLICK_INSERT,
            [
                (c.uid, c.frame, c.row, c.col, c.class_id, c.iteration, c.annotator, c.created_utc, c.note,
                 int(c.retracted), c.retracted_utc, c.retracted_by, c.retract_reason,
                 gpkg.encode_point(c.x, c.y, srs))
                for c in s["clicks"]
            ],
        )  # fmt: skip
        for c in s["clicks"]:  # the layer's extent
            gpkg.touch(conn, "clicks", c.x, c.y)
        for run in s["runs"]:
            values = dict(asdict(run), metrics=_json(run.metrics), unresolved=_json(run.unresolved))
            conn.execute(_RUN_INSERT, tuple(values.values()))
        srs = gpkg.features_srs_id(conn, "assessment_points")
        for d in s["designs"]:
            conn.execute(
                _INSERT_DESIGN,
                (d.design_id, d.created_utc, d.created_by, d.iteration, d.seed, json.dumps(d.settings),
                 json.dumps(d.strata), json.dumps(d.population)),
            )  # fmt: skip
            conn.executemany(
                f"INSERT INTO assessment_points ({_POINT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # nosec B608
                [
                    (p.design_id, p.point_id, p.frame, p.row, p.col, p.stratum, p.click_distance_px,
                     gpkg.encode_point(p.x, p.y, srs))
                    for p in s["points"][d.design_id]
                ],
            )  # fmt: skip
            conn.executemany(
                _LABEL_INSERT,
                [
                    (lab.uid, lab.design_id, lab.point_id, lab.class_id, int(lab.unsure), lab.annotator,
                     lab.created_utc, lab.note, int(lab.retracted), lab.retracted_utc, lab.retracted_by,
                     lab.retract_reason)
                    for lab in s["labels"][d.design_id]
                ],
            )  # fmt: skip
        meta = [("offline_copy_of", origin), ("offline_copy_utc", utc_now())]
        conn.executemany("INSERT INTO isage_meta (key, value) VALUES (?, ?)", meta)


# ---- bringing it back -----------------------------------------------------------------------------------
def import_offline(workspace: Workspace, other: str | Path) -> MergeReport:
    """Bring back into the team's record what the offline copy ``other`` (its folder or GeoPackage) has
    that the record lacks; see the module docstring. Merging the same copy again adds nothing."""
    team = _team(workspace)
    copy = Workspace.open(other).record
    if copy.backend != "geopackage":
        raise IsageError(f"{other}: not a GeoPackage workspace; give the offline copy's folder or .gpkg")
    report = MergeReport(source=str(copy.path))
    mine_classes = {c.id: c for c in team.classes()}
    for c in copy.classes():
        mine = mine_classes.get(c.id)
        if mine is None or (mine.name, mine.color.lower()) != (c.name, c.color.lower()):
            here = "missing" if mine is None else f"'{mine.name}' {mine.color}"
            report.conflicts.append(
                Conflict(
                    "class_table", f"class {c.id} is {here} in the team record but '{c.name}' in the copy"
                )
            )
    by_print = {f.info.fingerprint: f.name for f in team.frames()}
    frame_map = {f.name: by_print.get(f.info.fingerprint) for f in copy.frames()}
    for name, mapped in frame_map.items():
        if mapped is None:
            report.conflicts.append(
                Conflict(
                    "frame",
                    f"frame '{name}' of the copy is not in the team record; its clicks stay out until the "
                    "administrator adds it (`isage frames add`) and you merge again",
                )
            )
    mine_clicks = {c.uid: c for c in team.clicks(include_retracted=True)}
    requests, skipped = [], Counter()
    for c in copy.clicks(include_retracted=True):
        mine = mine_clicks.get(c.uid)
        frame = frame_map.get(c.frame)
        if mine is not None:
            _compare(report, c, mine, frame)
            if c.retracted and not mine.retracted:
                try:
                    team.retract_click(c.uid, reason=c.retract_reason or "retracted offline")
                    report.added_retractions += 1
                except IsageError as exc:
                    report.conflicts.append(
                        Conflict("refused", f"retraction of click {c.uid}: {exc}", (c.uid,))
                    )
        elif c.retracted:
            skipped["made and retracted offline"] += 1
        elif frame is None:
            skipped["on a frame the team record lacks"] += 1
        else:
            requests.append(
                ClickRequest(f"click {c.uid}", frame, c.row, c.col, c.class_id, "", c.note, uid=c.uid)
            )
    if requests:
        batch = team.add_clicks(requests, keep_valid=True)
        report.added_clicks = batch.accepted
        for source, reason in batch.refused:
            uid = source.split()[-1]
            report.conflicts.append(Conflict("refused", f"{source}: {reason}", (uid,)))
    for why, count in skipped.items():
        report.conflicts.append(Conflict("not_imported", f"{count} click(s) {why} were not brought back"))
    return report


def _compare(report: MergeReport, theirs, mine, frame: str | None) -> None:
    fields = ("row", "col", "class_id", "note")
    differ = [k for k in fields if getattr(theirs, k) != getattr(mine, k)]
    if frame is not None and frame != mine.frame:
        differ.insert(0, "frame")
    if differ:
        report.conflicts.append(
            Conflict(
                "uid_mismatch",
                f"click {mine.uid} differs between the copy and the team record ({', '.join(differ)}); "
                "kept the team record's",
                (mine.uid,),
            )
        )
