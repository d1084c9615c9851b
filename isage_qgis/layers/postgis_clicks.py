"""The team's clicks as a PostGIS layer on ``"<schema>"."clicks"``, styled as the GeoPackage record's, that
shows the others' clicks as they are made.

QGIS's PostgreSQL provider listens on the channel ``qgis``; the record's triggers (schema.sql) send
``isage:<schema>`` there when clicks, runs, classes or frames change, and the layer refreshes on exactly
that message (:func:`add_click_layer`). :class:`RecordWatcher` tells the panel: on the layer's refresh, and,
for a record made before those triggers or a server whose notifications do not reach QGIS, by asking the
database every few seconds whether anything changed. The layer's source names the connection's
authentication configuration, never a password kept in it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from qgis.core import QgsCredentials, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from ..clicks.postgis_record import PostgisClickRecord
from ..clicks.style import ClassLike
from ..record.postgis import connection_uri
from ..translation import tr
from . import results
from .results import CLICK_LAYER_NAME, PROP_ROLE, style_click_layer

log = logging.getLogger(__name__)
PROP_RECORD = "isage/postgis"  # on the clicks layer of a PostGIS record: "<connection>/<schema>"
POLL_S = 10.0  # how often the watcher asks the database (a few small counts) whether the record changed


def notify_message(schema: str) -> str:
    """The payload of the record's NOTIFY (schema.sql, isage_notify_change)."""
    return f"isage:{schema}"  # no-i18n


def _key(record: PostgisClickRecord) -> str:
    return f"{record.target.connection}/{record.target.schema}"  # no-i18n


def layer_uri(record: PostgisClickRecord, table: str = "clicks") -> str:
    """The clicks table on the saved connection, as a layer source that holds no password (the project
    file keeps layer sources): its authentication configuration's id, or, for a connection that stores a
    password itself, the user name only, the password handed to QGIS's credentials cache, which the
    PostgreSQL provider asks when a connection needs one."""
    uri = connection_uri(record.target.connection)
    if uri.authConfigId():
        uri.setUsername("")
        uri.setPassword("")
    elif uri.password():
        password = uri.password()
        uri.setPassword("")
        QgsCredentials.instance().put(uri.connectionInfo(False), uri.username(), password)
    uri.setDataSource(record.target.schema, table, "geom", "", "fid")  # no-i18n
    return uri.uri(False)


def postgis_layer_source(record: PostgisClickRecord) -> tuple[str, str]:
    """``(provider, source)`` of the record's assessment sample points, as for the clicks layer (no
    password in it): the sample layer's (:func:`isage_qgis.layers.assessment.add_assessment_layer`)."""
    return "postgres", layer_uri(record, "assessment_points")  # no-i18n


def find_click_layer(project: QgsProject, record: PostgisClickRecord) -> QgsVectorLayer | None:
    key = _key(record)
    found = [lyr for lyr in project.mapLayers().values() if lyr.customProperty(PROP_RECORD) == key]
    return found[0] if found else None


def add_click_layer(
    project: QgsProject, record: PostgisClickRecord, classes: Sequence[ClassLike]
) -> QgsVectorLayer | None:
    """Show the record's clicks at the top of the layer tree, styled, read-only (clicks are added with the
    iSAGE click tool), refreshed on the record's notifications; None when the table cannot be read."""
    layer = find_click_layer(project, record)
    if layer is None:
        layer = QgsVectorLayer(layer_uri(record), tr(CLICK_LAYER_NAME), "postgres")  # no-i18n
        if not layer.isValid():
            return None
        layer.setCustomProperty(PROP_RECORD, _key(record))
        project.addMapLayer(layer, False)
        project.layerTreeRoot().insertLayer(0, layer)
    layer.setReadOnly(True)
    layer.setRefreshOnNotifyEnabled(True)
    set_message = getattr(layer, "setRefreshOnNotifyMessage", None) or layer.setRefreshOnNofifyMessage
    set_message(notify_message(record.target.schema))  # QGIS 3 spells it "Nofify"
    style_click_layer(layer, classes)
    return layer


def remove_click_layers(project: QgsProject, record: PostgisClickRecord) -> None:
    key = _key(record)
    project.removeMapLayers(
        [lyr.id() for lyr in project.mapLayers().values() if lyr.customProperty(PROP_RECORD) == key]
    )


def is_postgis_click_layer(layer) -> bool:
    return layer.customProperty(PROP_ROLE) == "clicks" and bool(layer.customProperty(PROP_RECORD))


class RecordWatcher(QObject):
    """Emits ``changed`` when the record changed: at once on the clicks layer's notified refresh, else
    within :data:`POLL_S` seconds by polling the record's :meth:`version`."""

    changed = pyqtSignal()

    def __init__(
        self, record: PostgisClickRecord, parent: QObject | None = None, poll_s: float | None = None
    ):
        super().__init__(parent)
        self.record = record
        self._last = self._version()
        self._layer: QgsVectorLayer | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)  # one refresh for a burst of notifications
        self._debounce.timeout.connect(self._check)
        self._poll = QTimer(self)
        self._poll.setInterval(int((poll_s or POLL_S) * 1000))
        self._poll.timeout.connect(self._check)
        self._poll.start()

    def watch(self, layer: QgsVectorLayer | None) -> None:
        """Follow ``layer``'s notified refreshes (the layer the panel shows)."""
        if self._layer is not None:
            try:
                self._layer.dataChanged.disconnect(self._debounce.start)
            except (TypeError, RuntimeError):
                pass
        self._layer = layer
        if layer is not None:
            layer.dataChanged.connect(self._debounce.start)
            layer.willBeDeleted.connect(lambda: self._forget(layer))

    def _forget(self, layer: QgsVectorLayer) -> None:
        if self._layer is layer:
            self._layer = None

    def _version(self) -> tuple | None:
        try:
            return self.record.version()
        except Exception as exc:  # noqa: BLE001 - the server away for a while: try again at the next poll
            log.debug("PostGIS record not reachable: %s", exc)
            return None

    def _check(self) -> None:
        now = self._version()
        if now is not None and now != self._last:
            self._last = now
            try:
                if self._layer is not None and not self._layer.isEditable():
                    self._layer.reload()
                    self._layer.triggerRepaint()
            except RuntimeError:  # the layer was removed from the project meanwhile
                self._layer = None
            self.changed.emit()

    def stop(self) -> None:
        self._poll.stop()
        self._debounce.stop()
        self.watch(None)


# ---- either record: what the panel calls, whatever the record's kind --------------------------------
def is_postgis(record) -> bool:
    return bool(getattr(record, "is_postgis", False))


def record_click_layer(project: QgsProject, record) -> QgsVectorLayer | None:
    """The project's layer showing ``record``'s clicks (a GeoPackage or a PostGIS record)."""
    if is_postgis(record):
        return find_click_layer(project, record)
    return results.find_click_layer(project, record.path)


def show_record_click_layer(
    project: QgsProject, record, classes: Sequence[ClassLike]
) -> QgsVectorLayer | None:
    if is_postgis(record):
        return add_click_layer(project, record, classes)
    return results.add_click_layer(project, record.path, classes)


def remove_record_click_layers(project: QgsProject, record) -> None:
    if is_postgis(record):
        remove_click_layers(project, record)
    else:
        results.remove_click_layers(project, record.path)
