"""How the click record is written through QGIS: one provider call per edit (one SQLite transaction,
committed at once), failures turned into one-line messages, and the project's layers on the file kept fresh.

QGIS switches a local GeoPackage to WAL mode; after each write a passive checkpoint copies the committed
pages into the ``.gpkg`` itself, so a plain copy of the file (sharing it) holds every click.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from qgis.core import QgsProject, QgsProviderRegistry, QgsVectorDataProvider, QgsVectorLayer

from ..translation import tr
from .frames import layer_path, same_file
from .model import ClickRecordError

log = logging.getLogger(__name__)

# the record's own refusals (its triggers): clicks, and the accuracy assessment's labels, points, designs
_TRIGGER = re.compile(r"(a retracted )?iSAGE (clicks?|assessment)\b.*", re.IGNORECASE)  # no-i18n


def utc_now() -> str:
    """ISO 8601 UTC with seconds, as the engine writes times."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def is_writable(path: Path) -> bool:
    """False when the file is missing or read-only by its permission bits (even for root), as the engine."""
    return path.is_file() and os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def check_writable(path: Path) -> None:
    if not is_writable(path):
        raise ClickRecordError(read_only_text(path))


def provider_write(
    path: Path, layer: QgsVectorLayer, action: str, call: Callable[[QgsVectorDataProvider], bool]
) -> None:
    """Run one edit on ``layer``'s data provider; raise :class:`ClickRecordError` saying why it failed."""
    check_writable(path)
    provider = layer.dataProvider()
    provider.clearErrors()
    if not call(provider):
        raise ClickRecordError(error_text(path, action, provider.errors()))
    checkpoint(path)
    refresh_project_layers(path)


def reason_of(errors: list[str]) -> str:
    """The telling part of provider/commit errors, on one line: the record's own refusal when present."""
    lines = [" ".join(str(e).split()) for e in errors if str(e).strip()]
    for line in lines:
        trigger = _TRIGGER.search(line)
        if trigger:
            return trigger.group(0).strip()
    useful = [line for line in lines if not line.endswith(":")]
    return "; ".join(useful[-2:]) or tr("no reason given")


def error_text(path: Path, action: str, errors: list[str]) -> str:
    """One line for a failed provider write: what went wrong and the fix."""
    raw = reason_of(errors) if errors else tr("the data provider refused the edit")
    low = raw.lower()
    if "locked" in low or "busy" in low:
        text = tr(
            "{path}: could not {action}: the click record is locked by another program; close it there "
            "(or save/stop editing its layers in QGIS) and retry"
        )
    elif any(word in low for word in ("readonly", "read-only", "read only", "permission")):  # no-i18n
        text = tr(
            "{path}: could not {action}: the click record is read-only; fix its permissions or work on a copy"
        )
    elif "disk" in low and "full" in low:
        text = tr("{path}: could not {action}: not enough disk space; free some space and retry")
    elif _TRIGGER.search(raw):
        text = tr("{path}: could not {action}: refused by the click record ({reason})")
    else:
        text = tr("{path}: could not {action} ({reason}); close other programs using it and retry")
    return text.format(path=path, action=action, reason=raw)


def read_only_text(path: Path) -> str:
    return tr("{path}: the click record is read-only; fix its permissions or work on a copy").format(
        path=path
    )


def checkpoint(path: Path) -> None:
    """Copy committed pages from the WAL into the file (best effort: the commit already happened)."""
    try:
        connection = QgsProviderRegistry.instance().providerMetadata("ogr").createConnection(str(path), {})
        connection.executeSql("PRAGMA wal_checkpoint(PASSIVE)")  # no-i18n
    except Exception as exc:  # noqa: BLE001 - QgsProviderConnectionException or an older QGIS
        log.debug("WAL checkpoint of %s skipped: %s", path, exc)


def project_layers(path: Path, project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """The project's vector layers reading this GeoPackage."""
    layers = (project or QgsProject.instance()).mapLayers().values()
    return [lyr for lyr in layers if isinstance(lyr, QgsVectorLayer) and same_file(layer_path(lyr), path)]


def refresh_project_layers(path: Path, project: QgsProject | None = None) -> None:
    """Make the project's layers on this file show what was just written."""
    for lyr in project_layers(path, project):
        if not lyr.isEditable():
            lyr.reload()
        lyr.triggerRepaint()


def commit_pending(path: Path, project: QgsProject | None = None) -> list[str]:
    """Save pending edits of the project's layers on this GeoPackage; returns the names of layers saved.
    Raises when one cannot be saved (its edits stay pending, the file unchanged)."""
    saved = []
    for lyr in project_layers(path, project):
        if lyr.isEditable() and lyr.isModified():
            if not lyr.commitChanges(False):
                why = reason_of(lyr.commitErrors())
                text = tr(
                    "{path}: edits of layer '{layer}' could not be saved ({reason}); "
                    "fix or roll them back (retract clicks instead of deleting them), then retry"
                )
                raise ClickRecordError(text.format(path=path, layer=lyr.name(), reason=why))
            saved.append(lyr.name())
    return saved
