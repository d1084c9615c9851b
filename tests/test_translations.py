"""Every user-facing sentence of the plugin is wrapped in tr() as one literal and translated in each shipped
language, placeholders kept; the checker itself flags planted bad snippets (scripts/translations.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("isage_translations", REPO / "scripts" / "translations.py")
translations = sys.modules["isage_translations"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

BAD = {
    'label.setText("Open a workspace first.")\n': "not wrapped",
    'QMessageBox.warning(self, "iSAGE", "No click record is open")\n': "not wrapped",
    'self.tr(f"{n} clicks added")\n': "not one literal",
    'tr("Frames: " + names)\n': "not one literal",
    'tr("{n} clicks".format(n=n))\n': "not one literal",
    'tr("%n clicks")\n': "without a count",
    'raise QgsProcessingException(f"{path}: cannot read the raster")\n': "not wrapped",
}
GOOD = [
    'label.setText(tr("Open a workspace first."))\n',
    'text = tr("{n} clicks added").format(n=n)\n',
    'text = tr("%n clicks", n)\n',
    'log.info("saved pending edits of %s", names)\n',
    'QCoreApplication.translate("iSAGE", "Open a workspace first.")\n',
    'HELP = deferred_tr("Trains the model from the clicks.")\n',
    'rows = conn.execute("SELECT name FROM frames")  # no-i18n\n',
    'def f():\n    """A docstring is for developers."""\n',
]


@pytest.mark.parametrize("snippet", sorted(BAD))
def test_the_extractor_flags_each_planted_bad_snippet(snippet):
    problems = translations.extract_source(snippet, "bad.py").problems
    assert len(problems) == 1 and BAD[snippet] in problems[0], problems


@pytest.mark.parametrize("snippet", GOOD)
def test_the_extractor_accepts_wrapped_and_technical_strings(snippet):
    assert translations.extract_source(snippet, "good.py").problems == []


def test_the_translation_check_flags_missing_unfinished_and_broken_translations(tmp_path):
    messages = {"Open": False, "{n} clicks added": False, "%n frame(s)": True, "Close": False}
    known = {"Open": ["Abrir"], "{n} clicks added": ["{m} cliques adicionados"], "%n frame(s)": ["%n quadro"]}
    ts = tmp_path / "isage_xx.ts"
    translations.write_ts(ts, "xx", messages, known)
    problems = "\n".join(translations.check_translations(messages, [ts]))
    assert "no translation of 'Close'" in problems  # written as unfinished
    assert "placeholders differ" in problems and "no plural forms" in problems
    assert "'Open'" not in problems
    assert translations.read_ts(ts)["Close"] is None


def test_every_plugin_sentence_is_wrapped_and_translated_in_each_shipped_language():
    found = translations.extract()
    shipped = translations.shipped_ts()
    assert {p.stem for p in shipped} >= {"isage_pt_BR", "isage_es"}
    assert len(found.messages) > 300
    assert found.problems == []
    assert translations.check_translations(found.messages, shipped) == []
    english = translations.read_ts(translations.I18N / "isage_en.ts")
    plural = [s for s, numerus in found.messages.items() if numerus]
    assert plural and all(english.get(s) and len(english[s]) == 2 for s in plural)
