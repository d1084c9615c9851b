"""The plugin's interface language: one translation context, and the translator for QGIS's locale.

Every user-facing sentence goes through :func:`tr` (or a ``tr`` method that calls it) as a whole literal
with ``{name}`` placeholders filled by ``.format()`` afterwards, or ``%n`` for a count. Strings that are
defined before they are shown (class attributes) are marked with :func:`deferred_tr` so the extractor
finds them; they are passed to :func:`tr` where they are shown. ``i18n/isage_<locale>.ts`` holds the
translations, built into ``.qm`` files by Qt's ``lrelease`` (``make translations``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

log = logging.getLogger(__name__)

CONTEXT = "iSAGE"
I18N_DIR = Path(__file__).resolve().parent / "i18n"
_installed: list[QTranslator] = []  # the translator must outlive this call for Qt to use it


def tr(text: str, count: int = -1) -> str:
    """``text`` in the interface language; with ``count`` ≥ 0, ``%n`` becomes the count (plural forms)."""
    return QCoreApplication.translate(CONTEXT, text, None, count)


def deferred_tr(text: str) -> str:
    """Marks ``text`` for translation where it is defined; :func:`tr` translates it where it is shown."""
    return text


def user_locale() -> str:
    """QGIS's interface locale (``locale/userLocale``, e.g. ``pt_BR``), or Qt's system locale."""
    value = QgsSettings().value("locale/userLocale", "") or ""
    return str(value) or QgsApplication.locale()


def install_translator(locale: str | None = None, folder: Path = I18N_DIR) -> str | None:
    """Load ``isage_<locale>.qm`` (the full code first, then its language, e.g. ``pt_BR`` then ``pt``)
    and install it; an earlier one of this plugin is removed first. Returns the file loaded or None."""
    remove_translator()
    locale = locale or user_locale()
    for code in dict.fromkeys([locale, locale[:2], "en"]):  # English last: its plural forms
        path = folder / f"isage_{code}.qm"
        translator = QTranslator()
        if path.is_file() and translator.load(str(path)):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
            log.debug("interface translation %s loaded", path.name)
            return str(path)
    return None


def remove_translator() -> None:
    """Remove the translator :func:`install_translator` installed (the plugin is unloaded)."""
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
