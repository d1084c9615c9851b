"""Where the plugin's files are: icons live beside the package when installed, one level up in the repo."""

from __future__ import annotations

import configparser
from pathlib import Path

from qgis.PyQt.QtGui import QIcon

PACKAGE_DIR = Path(__file__).resolve().parent


def plugin_root() -> Path:
    """The folder holding ``metadata.txt``: the package itself when installed, the repo root otherwise."""
    for folder in (PACKAGE_DIR, PACKAGE_DIR.parent):
        if (folder / "metadata.txt").is_file():
            return folder
    return PACKAGE_DIR


def icon_path(name: str) -> str:
    """Path of ``icons/<name>`` (``.svg`` added when no suffix), installed layout first, then the repo's."""
    file_name = name if Path(name).suffix else f"{name}.svg"
    for folder in (PACKAGE_DIR / "icons", PACKAGE_DIR.parent / "icons"):
        candidate = folder / file_name
        if candidate.is_file():
            return str(candidate)
    return str(PACKAGE_DIR / "icons" / file_name)


def icon(name: str) -> QIcon:
    """A ``QIcon`` of ``icons/<name>``."""
    return QIcon(icon_path(name))


def plugin_version() -> str:
    """The plugin's version as ``metadata.txt`` states it (the engine it carries has the same)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(plugin_root() / "metadata.txt", encoding="utf-8")
    return parser.get("general", "version", fallback="")
