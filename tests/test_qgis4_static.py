"""QGIS 4 (Qt 6) readiness, checked statically: the plugin's source parsed for the constructs the QGIS 4
migration guidance lists as removed in Qt 6 / PyQt6 or QGIS 4. No QGIS 4 is installable here, so this test
(with qgis-plugin-analyzer's Qt 6 rules on the zip) is what stands for running it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1] / "isage_qgis"
REMOVED_NAMES = {
    "QRegExp": "QRegExp is gone in Qt 6: use QRegularExpression",
    "QDesktopWidget": "QDesktopWidget is gone in Qt 6: use QScreen (QGuiApplication.primaryScreen())",
    "qApp": "qApp is gone in PyQt6: use QgsApplication.instance()",
    "QVariant": "QVariant types are gone in PyQt6: use QMetaType.Type or Python values",
}
MOVED_TO_QTGUI = {"QAction", "QActionGroup", "QShortcut"}
OVERLOADED_SIGNALS = {"activated", "currentIndexChanged", "highlighted", "textActivated"}


def _qt_class(name: str) -> bool:
    """A Qt class name (QWidget, Qt) as opposed to QGIS's (QgsMapLayer) or a constant."""
    return name == "Qt" or (
        len(name) > 1 and name[0] == "Q" and name[1].isupper() and not name.startswith("Qgs")
    )


def _inside_try(tree: ast.AST, node: ast.AST) -> bool:
    """``node`` is in a try statement (the Qt 6 import first, the Qt 5 one as its fallback)."""
    return any(isinstance(t, ast.Try) and any(n is node for n in ast.walk(t)) for t in ast.walk(tree))


def qt6_problems(source: str, name: str = "<snippet>") -> list[str]:
    """``name:line: what`` for each Qt 5-only or QGIS 3-only construct in ``source``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    problems = []

    def report(node: ast.AST, what: str) -> None:
        problems.append(f"{name}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if module.split(".")[0] in ("PyQt4", "PyQt5", "PyQt6", "sip"):
                    report(node, f"direct {module} import: use qgis.PyQt")
                if module.split(".")[-1].endswith("_rc") or any(a.name.endswith("_rc") for a in node.names):
                    report(node, "compiled resource module (pyrcc): removed in PyQt6, load files by path")
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("QtWidgets"):
                moved = MOVED_TO_QTGUI & {a.name for a in node.names}
                if moved and not _inside_try(tree, node):
                    report(
                        node, f"{sorted(moved)} from QtWidgets without the QtGui fallback: Qt 6 moved them"
                    )
        elif isinstance(node, ast.Name) and node.id in REMOVED_NAMES:
            report(node, REMOVED_NAMES[node.id])
        elif isinstance(node, ast.alias) and node.name in REMOVED_NAMES:
            report(parents.get(node, node), REMOVED_NAMES[node.name])
        elif isinstance(node, ast.Attribute):
            parent = parents.get(node)
            if node.attr in ("exec_", "print_"):
                report(node, f"{node.attr}() is gone in PyQt6: use {node.attr[:-1]}()")
            elif (
                isinstance(node.value, ast.Name)
                and _qt_class(node.value.id)
                and node.attr[:1].isupper()
                and not (isinstance(parent, ast.Attribute) and parent.value is node)
                and not (isinstance(parent, ast.Call) and (parent.func is node or _is_getattr(parent)))
            ):
                enum = f"{node.value.id}.{node.attr}"
                report(node, f"unscoped enum {enum}: Qt 6 needs {node.value.id}.<Enum>.{node.attr}")
            elif node.attr == "width" and isinstance(parent, ast.Call) and _font_metrics(node.value):
                report(node, "QFontMetrics.width() is gone in Qt 6: use horizontalAdvance()")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr in OVERLOADED_SIGNALS and isinstance(node.slice, ast.Name):
                report(node, f"{node.value.attr}[{node.slice.id}]: overloaded signals are gone in Qt 6")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "QGIS3" in node.value:
            report(node, "hard-coded QGIS3 profile folder: QGIS 4 uses QGIS4; ask QgsApplication for paths")
    return problems


def _is_getattr(call: ast.Call) -> bool:
    """``getattr(Qt.Key, name)``: the enum itself, scoped."""
    return isinstance(call.func, ast.Name) and call.func.id == "getattr"


def _font_metrics(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        called = (
            func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        )
        return called in ("QFontMetrics", "QFontMetricsF", "fontMetrics")
    return isinstance(node, ast.Name) and ("metric" in node.id.lower() or node.id == "fm")


BAD_SNIPPETS = {
    "from qgis.PyQt.QtCore import Qt\nlabel.setAlignment(Qt.AlignLeft)\n": "unscoped enum Qt.AlignLeft",
    "box.setStandardButtons(QMessageBox.Yes)\n": "unscoped enum QMessageBox.Yes",
    "dialog.exec_()\n": "exec_()",
    "from qgis.PyQt.QtCore import QVariant\nfield = QgsField('a', QVariant.String)\n": "QVariant",
    "from qgis.PyQt.QtCore import QRegExp\n": "QRegExp",
    "pattern = QRegExp('[0-9]+')\n": "QRegExp",
    "from qgis.PyQt.QtWidgets import QDesktopWidget\n": "QDesktopWidget",
    "w = QFontMetrics(font).width('text')\n": "QFontMetrics.width()",
    "w = self.fontMetrics().width('text')\n": "QFontMetrics.width()",
    "combo.activated[str].connect(self.chosen)\n": "activated[str]",
    "from PyQt5.QtWidgets import QWidget\n": "direct PyQt5",
    "import PyQt5.QtCore\n": "direct PyQt5",
    "from . import resources_rc\n": "compiled resource module",
    "import isage_rc\n": "compiled resource module",
    "path = home + '/.local/share/QGIS/QGIS3/profiles/default'\n": "hard-coded QGIS3",
    "from qgis.PyQt.QtWidgets import QAction\n": "without the QtGui fallback",
}
GOOD_SNIPPETS = [
    "label.setAlignment(Qt.AlignmentFlag.AlignLeft)\n",
    "box.setStandardButtons(QMessageBox.StandardButton.Yes)\n",
    "dialog.exec()\n",
    "w = QFontMetrics(font).horizontalAdvance('text')\n",
    "rect.width()\n",
    "combo.activated.connect(self.chosen)\n",
    "color = QColor.fromRgb(1, 2, 3)\nQTimer.singleShot(0, f)\n",
    "try:\n    from qgis.PyQt.QtGui import QAction\n"
    "except ImportError:\n    from qgis.PyQt.QtWidgets import QAction\n",
    "from qgis.PyQt.QtCore import QMetaType\nfield = QgsField('a', QMetaType.Type.QString)\n",
    "keys = [getattr(Qt.Key, f'Key_{n}') for n in range(9)]\n",
]


@pytest.mark.parametrize("snippet", sorted(BAD_SNIPPETS))
def test_the_check_flags_each_planted_qt5_or_qgis3_construct(snippet):
    problems = qt6_problems(snippet)
    assert problems and all(BAD_SNIPPETS[snippet] in p for p in problems), problems


@pytest.mark.parametrize("snippet", GOOD_SNIPPETS)
def test_the_check_passes_the_qt6_spelling(snippet):
    assert qt6_problems(snippet) == []


def test_the_plugin_has_no_qt5_only_or_qgis3_only_construct():
    files = sorted(PLUGIN.rglob("*.py"))
    assert len(files) > 40
    problems = [p for path in files for p in qt6_problems(path.read_text(encoding="utf-8"), str(path))]
    assert problems == []
    assert not list(PLUGIN.rglob("*.qrc")) and not list(PLUGIN.rglob("*_rc.py"))
