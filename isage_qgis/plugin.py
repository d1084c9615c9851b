"""The QGIS entry point: toolbar and menu actions, the dock, and the Processing provider."""

from __future__ import annotations

import logging

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt

try:  # Qt6 (QGIS 4) moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5
    from qgis.PyQt.QtWidgets import QAction

from .log import setup_logging
from .resources import icon
from .translation import install_translator, remove_translator, tr

log = logging.getLogger(__name__)
MENU = "&iSAGE"


class IsagePlugin:
    """Created by QGIS through ``classFactory``; everything heavy is built lazily."""

    def __init__(self, iface):
        self.iface = iface
        install_translator()  # QGIS's interface language (locale/userLocale), before any text is made
        self.dock = None
        self.provider = None
        self.actions: list[QAction] = []
        self.dock_action: QAction | None = None

    # ---- Processing ------------------------------------------------------------------------------
    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        """Register the iSAGE Processing provider (also called by qgis_process without a GUI)."""
        from .processing.provider import IsageProvider

        if self.provider is None:
            provider = IsageProvider()
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider  # not ours to remove when another copy registered "isage" first
            else:
                log.warning("a Processing provider 'isage' is registered already; iSAGE's is not added")

    # ---- GUI -------------------------------------------------------------------------------------
    def initGui(self) -> None:  # noqa: N802 - QGIS API
        setup_logging()
        self.initProcessing()
        self.dock_action = self._action("isage", tr("iSAGE panel"), self.toggle_dock, checkable=True)
        self._action("click", tr("iSAGE click tool"), self.activate_click_tool)
        self._action("settings", tr("iSAGE settings…"), self.open_settings, toolbar=False)

    def _action(
        self, icon_name: str, text: str, slot, checkable: bool = False, toolbar: bool = True
    ) -> QAction:
        action = QAction(icon(icon_name), text, self.iface.mainWindow())
        action.setObjectName(f"isage_{icon_name}")
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        if toolbar:
            self.iface.addToolBarIcon(action)  # the Plugins toolbar: no extra toolbar row
        self.iface.addPluginToMenu(MENU, action)
        self.actions.append(action)
        return action

    def ensure_dock(self):
        """The dock, created and docked on first use."""
        if self.dock is None:
            from .panel.dock import IsageDock

            self.dock = IsageDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._dock_visibility)
        return self.dock

    def _dock_visibility(self, visible: bool) -> None:
        if self.dock_action is not None:
            self.dock_action.setChecked(visible)

    def toggle_dock(self, checked: bool | None = None) -> None:
        dock = self.ensure_dock()
        show = not dock.isVisible() if checked is None else bool(checked)
        dock.setVisible(show)
        if show:
            dock.raise_()

    def activate_click_tool(self) -> None:
        dock = self.ensure_dock()
        dock.setVisible(True)
        if dock.click_action.isEnabled():
            dock.click_action.setChecked(True)
            dock.toggle_tool(True)
        else:
            dock.show_message(
                "warning", "iSAGE", tr("Open or create a click record first (or wait for the run to finish).")
            )

    def open_settings(self) -> None:
        from .panel.settings_dialog import SettingsDialog
        from .settings import PluginSettings

        SettingsDialog(PluginSettings.load(), self.iface.mainWindow()).exec()

    def unload(self) -> None:
        """Remove actions, toolbar, dock and provider; stop any engine run."""
        if self.dock is not None:
            self.dock.cleanup()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions.clear()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator()
