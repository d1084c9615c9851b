"""The plugin's translatable sentences: extract them from the source (an AST walk), check that every
user-facing literal is wrapped and translated, and keep the ``.ts`` files in step with the source.

    python scripts/translations.py update   # add new sentences to each .ts (unfinished), drop removed ones
    python scripts/translations.py check    # exit 1 listing unwrapped, untranslated or mistranslated ones

A literal is user-facing when it holds a letter and a space or ends like a sentence (``:.!?``). It is
exempt inside a translation call (``tr``, ``translate``, ``deferred_tr``), a logging call, or on a line
marked ``# no-i18n`` (SQL, command lines, file formats: text for programs, not people).
"""

from __future__ import annotations

import argparse
import ast
import logging
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "isage_qgis"
I18N = PLUGIN / "i18n"
CONTEXT = "iSAGE"
TRANSLATE_CALLS = {"tr", "translate", "deferred_tr"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
LOGGERS = {"log", "logger", "logging"}
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%n|%\d")

log = logging.getLogger("translations")


@dataclass
class Extraction:
    """The sentences found (source text -> numerus) and the problems (``path:line: what``)."""

    messages: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def looks_user_facing(text: str) -> bool:
    """A sentence or label for a person: a letter and a space, or a label ending (``Name:``, ``Open…?``)."""
    text = text.strip()
    if len(text) <= 1 or not any(c.isalpha() for c in text):
        return False
    return " " in text or text.endswith((":", ".", "!", "?", "…"))


def _call_name(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_log_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    owner = func.value
    name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
    return name in LOGGERS or name.endswith("log")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def extract_source(source: str, name: str, found: Extraction | None = None) -> Extraction:
    """Extract the translation calls' sentences from ``source`` and report unwrapped user-facing literals
    and translation calls whose text is not one literal (f-strings, ``+``, ``%``, ``.format`` inside)."""
    found = found or Extraction()
    tree = ast.parse(source)
    lines = source.splitlines()
    exempt = _docstrings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _call_name(node) in TRANSLATE_CALLS:
            args = node.args[1:] if _call_name(node) == "translate" else node.args
            text = args[0] if args else None
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant):
                    exempt.add(id(inner))
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                numerus = "%n" in text.value
                if numerus and len(args) < 2:
                    found.problems.append(f"{name}:{node.lineno}: '%n' without a count: {text.value!r}")
                found.messages[text.value] = numerus
            elif isinstance(text, (ast.JoinedStr, ast.BinOp, ast.Call)):
                found.problems.append(f"{name}:{node.lineno}: translated text is not one literal sentence")
        elif _is_log_call(node):
            exempt.update(id(inner) for inner in ast.walk(node) if isinstance(inner, ast.Constant))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in exempt:
            continue
        if looks_user_facing(node.value) and "# no-i18n" not in lines[node.lineno - 1]:
            found.problems.append(f"{name}:{node.lineno}: not wrapped in tr(): {node.value.strip()!r}")
    return found


def extract(folder: Path = PLUGIN) -> Extraction:
    """Every sentence of the plugin's Python files, and their problems."""
    found = Extraction()
    for path in sorted(folder.rglob("*.py")):
        extract_source(path.read_text(encoding="utf-8"), str(path.relative_to(folder.parent)), found)
    return found


# ---- .ts files -----------------------------------------------------------------------------------------
def read_ts(path: Path) -> dict[str, list[str] | None]:
    """source -> translation forms (one, or one per plural form); None when unfinished or empty."""
    result: dict[str, list[str] | None] = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
            result[source] = None
            continue
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
        result[source] = forms if all(f.strip() for f in forms) else None
    return result


def language_of(path: Path) -> str:
    return ET.parse(path).getroot().get("language", "")


def write_ts(
    path: Path, language: str, messages: dict[str, bool], known: dict[str, list[str] | None]
) -> None:
    """Write ``messages`` (source -> numerus) with the translations ``known``, sorted by source."""
    root = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source in sorted(messages):
        message = ET.SubElement(context, "message", numerus="yes") if messages[source] else None
        message = message if message is not None else ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = source
        forms = known.get(source)
        translation = ET.SubElement(message, "translation")
        if not forms:
            translation.set("type", "unfinished")
        elif messages[source]:
            for form in forms:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = forms[0]
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def check_translations(messages: dict[str, bool], ts_files: list[Path]) -> list[str]:
    """Each sentence translated in each file, plural sentences with plural forms, placeholders kept."""
    problems = []
    for path in ts_files:
        known = read_ts(path)
        for source, numerus in messages.items():
            forms = known.get(source)
            if not forms:
                problems.append(f"{path.name}: no translation of {source!r}")
                continue
            if numerus and len(forms) < 2:
                problems.append(f"{path.name}: no plural forms for {source!r}")
            for form in forms:
                if placeholders(form) != placeholders(source):
                    problems.append(f"{path.name}: placeholders differ in {form!r} for {source!r}")
    return problems


def shipped_ts() -> list[Path]:
    """The full translations (``isage_en.ts`` only gives English plural forms: :func:`english_problems`)."""
    return sorted(p for p in I18N.glob("isage_*.ts") if p.stem != "isage_en")


def english_problems(messages: dict[str, bool]) -> list[str]:
    """Each plural sentence with its English forms (else the panel shows the source's "click(s)")."""
    plural = {source: True for source, numerus in messages.items() if numerus}
    english = I18N / "isage_en.ts"
    return check_translations(plural, [english]) if english.is_file() else [f"{english.name} is missing"]


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "check"])
    args = parser.parse_args(argv)
    found = extract()
    if args.command == "update":
        for path in shipped_ts():
            write_ts(path, language_of(path), found.messages, read_ts(path))
        english = I18N / "isage_en.ts"
        plural = {s: True for s, numerus in found.messages.items() if numerus}
        write_ts(english, "en", plural, read_ts(english) if english.is_file() else {})
        log.info("%d sentences, %d with plural forms", len(found.messages), len(plural))
    problems = found.problems + check_translations(found.messages, shipped_ts())
    problems += english_problems(found.messages)
    for problem in problems:
        log.info("%s", problem)
    return 1 if problems and args.command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
