"""Merging click records of several annotators: keep every click and retraction, report every conflict."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IsageError
from ..events import utc_now
from .assessment import merge_assessment
from .click_record import Click, ClickRecord, unique_name

CONFLICT_KINDS = (
    "pixel_class", "duplicate", "class_table", "uid_mismatch", "sample_pixel", "label",
    "frame", "refused", "not_imported",  # bringing an offline copy back into a PostGIS record
)  # fmt: skip
_CONTENT = ("frame", "row", "col", "class_id", "iteration", "annotator", "created_utc", "note")


@dataclass(frozen=True)
class Conflict:
    kind: str  # one of CONFLICT_KINDS
    message: str
    uids: tuple[str, ...] = ()


@dataclass
class MergeReport:
    added_clicks: int = 0  # clicks new to the target (retracted ones included)
    added_retractions: int = 0  # retractions applied to clicks the target already had
    added_frames: list[str] = field(default_factory=list)  # names in the target
    added_classes: list[int] = field(default_factory=list)
    added_designs: list[str] = field(default_factory=list)  # accuracy assessment designs new to the target
    added_labels: int = 0  # their labels (retracted ones included)
    conflicts: list[Conflict] = field(default_factory=list)
    source: str = ""

    def summary(self) -> str:
        """A short human-readable account of the merge."""
        frames = f" ({', '.join(self.added_frames)})" if self.added_frames else ""
        classes = f" ({', '.join(map(str, self.added_classes))})" if self.added_classes else ""
        lines = [
            f"merged {self.source or 'record'}: {self.added_clicks} click(s) and {self.added_retractions} "
            f"retraction(s) added, {len(self.added_frames)} frame(s){frames}, "
            f"{len(self.added_classes)} class(es){classes}, {len(self.added_designs)} assessment design(s) "
            f"and {self.added_labels} assessment label(s)",
        ]
        if not self.conflicts:
            lines.append("no conflicts")
        else:
            lines.append(
                f"{len(self.conflicts)} conflict(s), kept as they are; resolve them by retracting clicks:"
            )
            lines += [f"  {c.kind}: {c.message}" for c in self.conflicts]
        return "\n".join(lines)


def _pixel_conflicts(clicks: list[Click]) -> list[Conflict]:
    """pixel_class and duplicate conflicts among unretracted ``clicks``."""
    by_pixel: dict[tuple[str, int, int], list[Click]] = defaultdict(list)
    for c in clicks:
        if not c.retracted:
            by_pixel[(c.frame, c.row, c.col)].append(c)
    out: list[Conflict] = []
    for (frame, row, col), group in sorted(by_pixel.items()):
        where = f"frame '{frame}' pixel (row {row}, col {col})"
        classes = sorted({c.class_id for c in group})
        if len(classes) > 1:
            out.append(
                Conflict(
                    "pixel_class",
                    f"{where} has unretracted clicks of classes {classes}; retract the wrong one(s)",
                    tuple(c.uid for c in group),
                )
            )
        for class_id in classes:
            same = [c for c in group if c.class_id == class_id]
            if len(same) > 1:
                out.append(
                    Conflict(
                        "duplicate",
                        f"{where} has {len(same)} unretracted clicks of class "
                        f"{class_id}; retract the extra one(s) if unwanted",
                        tuple(c.uid for c in same),
                    )
                )
    return out


def conflicts_in(record: ClickRecord) -> list[Conflict]:
    """The pixel_class and duplicate conflicts of one record (its unretracted clicks)."""
    return _pixel_conflicts(record.clicks())


def merge_records(target: ClickRecord, other_path: str | Path) -> MergeReport:
    """Merge the record at ``other_path`` into ``target`` in one transaction.

    Every click of the other record that the target lacks (by uid) is added with its own iteration,
    annotator and times; its retractions are applied to the target. Frames are matched by fingerprint
    (new ones are added, their path re-expressed relative to the target's folder); unknown classes are
    added. Conflicts are reported, not resolved: the target's class names and colours and its version
    of a click win. Merging the same record again adds nothing.
    """
    other = ClickRecord.open(other_path)
    with other._connect(write=False) as conn:
        o_classes, o_frames = other._load_classes(conn), other._load_frames(conn)
        o_clicks = other._load_clicks(conn)
    report = MergeReport(source=str(other.path))
    with target._connect(write=True) as conn:
        mine_classes = {c.id: c for c in target._load_classes(conn)}
        for c in o_classes:
            mine = mine_classes.get(c.id)
            if mine is None:
                conn.execute(
                    "INSERT INTO classes (id, name, color) VALUES (?, ?, ?)", (c.id, c.name, c.color)
                )
                report.added_classes.append(c.id)
                clash = [k for k in mine_classes.values() if k.name == c.name]
                if clash:
                    report.conflicts.append(
                        Conflict(
                            "class_table",
                            f"class name '{c.name}' now used by classes {clash[0].id} and {c.id}; rename one",
                        )
                    )
            elif (mine.name, mine.color.lower()) != (c.name, c.color.lower()):
                report.conflicts.append(
                    Conflict(
                        "class_table",
                        f"class {c.id} is '{mine.name}' {mine.color} here but '{c.name}' {c.color} in "
                        f"{other.path.name}; kept '{mine.name}' {mine.color}",
                    )
                )
        mine_frames = target._load_frames(conn)
        by_print = {f.info.fingerprint: f for f in mine_frames}
        taken = {f.name for f in mine_frames}
        frame_map, infos = {}, {f.name: f.info for f in mine_frames}
        for f in o_frames:
            if f.info.fingerprint in by_print:
                frame_map[f.name] = by_print[f.info.fingerprint].name
                continue
            name = unique_name(f.name, taken)
            target._insert_frame(conn, name, target.stored_path(f.path), f.info)
            taken.add(name)
            frame_map[f.name], infos[name] = name, f.info
            by_print[f.info.fingerprint] = f
            report.added_frames.append(name)
        found = merge_assessment(conn, target, other, frame_map, report)
        report.conflicts += [Conflict(kind, message, uids) for kind, message, uids in found]
        sample = {(f, r, c) for f, r, c in conn.execute("SELECT frame, row, col FROM assessment_points")}
        mine_clicks = {c.uid: c for c in target._load_clicks(conn)}
        for c in o_clicks:
            frame = frame_map.get(c.frame)
            if frame is None:
                raise IsageError(
                    f"{other.path}: click {c.uid} is on frame '{c.frame}', missing from its frames "
                    "table; repair that record (re-add the frame) and merge again"
                )
            mine = mine_clicks.get(c.uid)
            if mine is None:
                values = {k: getattr(c, k) for k in _CONTENT}
                values.update(
                    frame=frame,
                    uid=c.uid,
                    retracted=int(c.retracted),
                    retracted_utc=c.retracted_utc,
                    retracted_by=c.retracted_by,
                    retract_reason=c.retract_reason,
                )
                if not c.retracted and (frame, c.row, c.col) in sample:
                    why = "on a pixel of the accuracy assessment sample (kept off training)"
                    values.update(
                        retracted=1, retracted_utc=utc_now(), retracted_by="isage merge", retract_reason=why
                    )
                    report.conflicts.append(
                        Conflict(
                            "sample_pixel",
                            f"click {c.uid} of {other.path.name} lies on an assessment sample pixel "
                            f"(frame '{frame}', row {c.row}, col {c.col}); merged as retracted",
                            (c.uid,),
                        )
                    )
                target._insert_click(conn, values, infos[frame])
                report.added_clicks += 1
                continue
            theirs = dict({k: getattr(c, k) for k in _CONTENT}, frame=frame)
            differ = [k for k in _CONTENT if getattr(mine, k) != theirs[k]]
            if differ:
                report.conflicts.append(
                    Conflict(
                        "uid_mismatch",
                        f"click {c.uid} differs between the records ({', '.join(differ)}); "
                        "kept this record's version",
                        (c.uid,),
                    )
                )
            if c.retracted and not mine.retracted:
                target._retract(conn, mine.fid, c.retracted_utc, c.retracted_by, c.retract_reason)
                report.added_retractions += 1
        theirs_uids = {c.uid for c in o_clicks}
        merged = target._load_clicks(conn, "WHERE retracted = 0")
        report.conflicts += [k for k in _pixel_conflicts(merged) if theirs_uids & set(k.uids)]
    return report
