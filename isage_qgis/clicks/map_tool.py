"""The click map tool: left click adds a click, right click retracts, keys 1-9 pick a class, N asks for the
next proposal (or skips the sample point shown), U marks the sample point shown unsure, Ctrl+Z undoes.

It only translates events: the logic is :class:`click_actions.ClickActions`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from qgis.core import QgsPointXY, QgsRasterLayer
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool
from qgis.PyQt.QtCore import QEvent, QObject, QPoint, Qt, pyqtSignal
from qgis.PyQt.QtGui import QCursor, QKeyEvent

from .actions import ClickActions, ClickSettings, Outcome
from .layer import ClickRecordLayer
from .style import click_renderer

__all__ = ["ClickMapTool", "ClickSettings", "click_renderer"]

log = logging.getLogger(__name__)

RETRACT_TOLERANCE_PX = 6  # how near (screen pixels) a right click must be to a click to retract it
DRAG_PX = 4  # a release farther than this from its press is a drag, not a click


def _code(key: Any) -> int:
    """A key as an int (PyQt6 gives enum members where PyQt5 gives ints)."""
    return int(getattr(key, "value", key))


_DIGITS = {_code(getattr(Qt.Key, f"Key_{n}")): n - 1 for n in range(1, 10)}
_NEXT = _code(Qt.Key.Key_N)
_UNSURE = _code(Qt.Key.Key_U)


class ClickMapTool(QgsMapTool):
    """Click tool for ``canvas``.

    ``record``: the open :class:`ClickRecordLayer` or a function returning it (None: no record);
    ``active_class``: the class id to click, or a function returning it; ``frame_layers``: the frame
    raster layers (list, or a function returning the list); ``settings``: an object with
    ``enforce_budget`` and ``annotator`` (e.g. ``PluginSettings``), or a function returning it.
    """

    clicked = pyqtSignal(int)  # fid of the click added
    retracted = pyqtSignal(int)  # fid of the click retracted
    message = pyqtSignal(str, str)  # level ("info", "warning", "critical"), text for the message bar
    classKeyPressed = pyqtSignal(int)  # noqa: N815 - 0-based position in the class list (key 1 -> 0)
    nextProposalPressed = pyqtSignal()  # noqa: N815 - key N
    unsurePressed = pyqtSignal()  # noqa: N815 - key U (the accuracy assessment: cannot tell the class)

    def __init__(
        self,
        canvas: QgsMapCanvas,
        record: ClickRecordLayer | Callable[[], ClickRecordLayer | None] | None,
        active_class: int | Callable[[], int | None] | None,
        frame_layers: Sequence[QgsRasterLayer] | Callable[[], Sequence[QgsRasterLayer]],
        settings: Any = None,
    ) -> None:
        super().__init__(canvas)
        self._canvas = canvas
        self.actions = ClickActions(record, active_class, frame_layers, settings, layer_order=canvas.layers)
        self.setCursor(QCursor(Qt.CursorShape.CrossCursor))
        self._pressed_at: QPoint | None = None
        # while set (the panel's accuracy assessment), Ctrl+Z asks it instead of undoing clicks
        self.undo_handler: Callable[[], Outcome] | None = None

    def set_frame_layers(
        self, layers: Sequence[QgsRasterLayer] | Callable[[], Sequence[QgsRasterLayer]]
    ) -> None:
        self.actions.frame_layers = layers if callable(layers) else (lambda: layers)

    # ---- mouse -----------------------------------------------------------------------------------
    def canvasPressEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802 - Qt override
        self._pressed_at = e.pos()

    def canvasReleaseEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802 - Qt override
        pressed, self._pressed_at = self._pressed_at, None
        if pressed is not None and (e.pos() - pressed).manhattanLength() > DRAG_PX:
            return
        point = QgsPointXY(e.mapPoint())
        crs = self._canvas.mapSettings().destinationCrs()
        if e.button() == Qt.MouseButton.LeftButton:
            self.report(self.actions.add_at(point, crs))
        elif e.button() == Qt.MouseButton.RightButton:
            tolerance = RETRACT_TOLERANCE_PX * self._canvas.mapUnitsPerPixel()
            self.report(self.actions.retract_near(point, crs, tolerance))

    # ---- keys ------------------------------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if _is_undo(e):
            e.accept()
            self.undo()
        elif _code(e.key()) in _DIGITS and not _has_modifier(e):
            e.accept()
            self.classKeyPressed.emit(_DIGITS[_code(e.key())])
        elif _code(e.key()) == _NEXT and not _has_modifier(e):
            e.accept()
            self.nextProposalPressed.emit()
        elif _code(e.key()) == _UNSURE and not _has_modifier(e):
            e.accept()
            self.unsurePressed.emit()
        else:
            e.ignore()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """While active, claim Ctrl+Z, 1-9, N and U from QGIS's shortcuts so they reach keyPressEvent."""
        if event.type() == QEvent.Type.ShortcutOverride and (
            _is_undo(event) or (_code(event.key()) in (*_DIGITS, _NEXT, _UNSURE) and not _has_modifier(event))
        ):
            event.accept()
            return True
        return False

    def activate(self) -> None:
        super().activate()
        for widget in (self._canvas, self._canvas.viewport()):
            widget.installEventFilter(self)

    def deactivate(self) -> None:
        for widget in (self._canvas, self._canvas.viewport()):
            widget.removeEventFilter(self)
        super().deactivate()

    def undo(self) -> None:
        """Undo this session's last click or retraction (Ctrl+Z), or what ``undo_handler`` undoes."""
        self.report(self.undo_handler() if self.undo_handler is not None else self.actions.undo())

    def report(self, outcome: Outcome) -> None:
        """Signal what a click action did: ``clicked``/``retracted`` and a message for the bar."""
        if outcome.kind == "added" and outcome.fid is not None:
            self.clicked.emit(outcome.fid)
        elif outcome.kind == "retracted" and outcome.fid is not None:
            self.retracted.emit(outcome.fid)
        log.debug("click tool: %s", outcome.text)
        self.message.emit(outcome.level, outcome.text)


def _has_modifier(e: QKeyEvent) -> bool:
    mods = e.modifiers()
    return any(
        bool(mods & m)
        for m in (
            Qt.KeyboardModifier.ControlModifier,
            Qt.KeyboardModifier.AltModifier,
            Qt.KeyboardModifier.MetaModifier,
        )
    )


def _is_undo(e: QKeyEvent) -> bool:
    return _code(e.key()) == _code(Qt.Key.Key_Z) and bool(e.modifiers() & Qt.KeyboardModifier.ControlModifier)
