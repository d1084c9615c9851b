"""The plugin zip that `make package` builds passes the QGIS plugin repository's gates: its upload checks
(one PEP 8 folder, metadata.txt with the required fields, a LICENSE, no binaries, no .pyc or __pycache__,
the size limit), Bandit and detect-secrets (run by `make package` itself), and qgis-plugin-analyzer with
no untranslated string, no Qt 6 or metadata finding and no security finding. Each check also flags the
faults planted in copies, so that none of them passes by reading nothing."""

from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
# the venv running the suite: make takes its tools from it and must not reinstall it from inside a test
VENV = os.path.relpath(sys.prefix, REPO)
ANALYZER = Path(sys.prefix) / "bin" / "qgis-analyzer"
FOLDER = "isage_qgis"
MAX_BYTES = 25_000_000  # the plugin repository refuses larger uploads
REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email")
REQUIRED_URLS = ("repository", "tracker")
FORBIDDEN_DIRS = {"__MACOSX", ".git", "__pycache__"}
BINARY_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".dylib", ".exe", ".bin")
BINARY_MAGIC = (b"\x7fELF", b"MZ", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
LANGUAGES = ("en", "es", "pt_BR")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    zip_path = tmp_path_factory.mktemp("package") / "isage_qgis.zip"
    done = subprocess.run(
        ["make", "-s", "package", f"PLUGIN_ZIP={zip_path}", f"VENV={VENV}", "-o", f"{VENV}/.installed"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0 and zip_path.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    assert "detect-secrets: 0 findings" in done.stdout, done.stdout[-3000:]
    return zip_path


# ---- the plugin repository's upload checks ---------------------------------------------------------------
def _binary(name: str, head: bytes) -> bool:
    return name.lower().endswith(BINARY_SUFFIXES) or head.startswith(BINARY_MAGIC)


def _member_problems(archive: zipfile.ZipFile, where: str = "") -> list[str]:
    """Paths that escape the folder, forbidden folders and binaries, in wheels inside too."""
    problems = []
    for info in archive.infolist():
        name = info.filename
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or ".." in parts:
            problems.append(f"{where}{name}: path outside the plugin folder")
        if FORBIDDEN_DIRS & set(parts[:-1]) or name.endswith(".pyc"):
            problems.append(f"{where}{name}: forbidden folder or compiled file")
        if info.is_dir():
            continue
        data = archive.read(info)
        if _binary(name, data[:4]):
            problems.append(f"{where}{name}: binary file")
        if name.endswith(".whl"):
            problems += _member_problems(zipfile.ZipFile(BytesIO(data)), f"{where}{name}!")
    return problems


def _metadata_problems(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    if f"{FOLDER}/metadata.txt" not in names:
        return ["no metadata.txt"]
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive (qgisMinimumVersion)
    parser.read_string(archive.read(f"{FOLDER}/metadata.txt").decode("utf-8"))
    if not parser.has_section("general"):
        return ["metadata.txt has no [general] section"]
    meta = dict(parser.items("general"))
    problems = [f"metadata: no {key}" for key in REQUIRED + REQUIRED_URLS if not meta.get(key, "").strip()]
    if meta.get("version") and not re.fullmatch(r"\d+\.\d+\.\d+", meta["version"]):
        problems.append(f"metadata: version {meta['version']!r} is not X.Y.Z")
    if meta.get("qgisMinimumVersion") and not re.fullmatch(r"\d+\.\d+(\.\d+)?", meta["qgisMinimumVersion"]):
        problems.append(f"metadata: qgisMinimumVersion {meta['qgisMinimumVersion']!r} is not a version")
    for key in (*REQUIRED_URLS, "homepage"):
        url = urlparse(meta.get(key, "").strip())
        if meta.get(key) and (url.scheme not in ("http", "https") or not url.netloc):
            problems.append(f"metadata: {key} is not a web address")
    if "/" in meta.get("author", ""):
        problems.append("metadata: the author holds a slash")
    if meta.get("icon") and f"{FOLDER}/{meta['icon'].removeprefix('./')}" not in names:
        problems.append(f"metadata: icon {meta['icon']} is not in the zip")
    return problems


def repository_problems(zip_path: Path) -> list[str]:
    """What the plugin repository would refuse in ``zip_path``, and what this plugin must ship."""
    problems = []
    if zip_path.stat().st_size > MAX_BYTES:
        problems.append(f"zip of {zip_path.stat().st_size} bytes, over {MAX_BYTES}")
    with zipfile.ZipFile(zip_path) as archive:
        if archive.testzip() is not None:
            problems.append("corrupt zip")
        names = set(archive.namelist())
        tops = {name.split("/")[0] for name in names}
        if tops != {FOLDER} or not re.fullmatch(r"[a-z_][a-z0-9_]*", FOLDER):
            problems.append(f"top-level entries {sorted(tops)}: one PEP 8 folder expected")
        problems += _member_problems(archive)
        for required in ("__init__.py", "LICENSE"):
            member = f"{FOLDER}/{required}"
            if member not in names or not archive.read(member).strip():
                problems.append(f"no {required}")
        problems += _metadata_problems(archive, names)
        for language in LANGUAGES:  # the compiled translations, never their sources
            if f"{FOLDER}/i18n/isage_{language}.qm" not in names:
                problems.append(f"no compiled {language} translation")
        problems += [f"{name}: translation source shipped" for name in names if name.endswith(".ts")]
    return problems


def test_the_zip_passes_the_plugin_repository_checks(package):
    assert repository_problems(package) == []
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        assert len(names) > 50 and f"{FOLDER}/LICENSE" in names
        assert any(n.startswith(f"{FOLDER}/bundled/geoisage-") and n.endswith(".whl") for n in names)


def _rewrite(source: Path, dest: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return dest


def _edit_metadata(old: str, new: str) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        text = members[f"{FOLDER}/metadata.txt"].decode()
        assert old in text
        members[f"{FOLDER}/metadata.txt"] = text.replace(old, new, 1).encode()

    return change


PLANTED = {
    "compiled file": lambda m: m.update({f"{FOLDER}/panel/__pycache__/dock.cpython-311.pyc": b"\x00" * 8}),
    "binary file": lambda m: m.update({f"{FOLDER}/tools/helper": b"\x7fELF\x02\x01\x01" + b"\x00" * 64}),
    "no LICENSE": lambda m: m.pop(f"{FOLDER}/LICENSE"),
    "metadata: no email": _edit_metadata("\nemail=", "\nmail="),
    "metadata: tracker is not a web address": _edit_metadata("\ntracker=", "\ntracker=bugs "),
    "metadata: version": _edit_metadata("\nversion=", "\nversion=v"),
    "top-level entries": lambda m: m.update({"__MACOSX/._isage_qgis": b"x"}),
    "path outside the plugin folder": lambda m: m.update({f"{FOLDER}/../evil.py": b"x = 1\n"}),
    "no compiled pt_BR translation": lambda m: m.pop(f"{FOLDER}/i18n/isage_pt_BR.qm"),
}


@pytest.mark.parametrize("fault", sorted(PLANTED))
def test_the_repository_check_flags_each_planted_fault(package, tmp_path, fault):
    bad = _rewrite(package, tmp_path / "bad.zip", PLANTED[fault])
    problems = repository_problems(bad)
    assert any(fault in p for p in problems), problems


def test_the_repository_check_flags_an_oversized_zip(package, tmp_path):
    big = _rewrite(
        package, tmp_path / "big.zip", lambda m: m.update({f"{FOLDER}/data.txt": os.urandom(MAX_BYTES)})
    )
    assert [p for p in repository_problems(big) if "over 25000000" in p]


# ---- qgis-plugin-analyzer --------------------------------------------------------------------------------
QT6_LEGACY = {"PYQT5_IMPORT", "QGIS_LEGACY_IMPORT", "OBSOLETE_VARIANT", "LEGACY_SIGNAL_SLOT"}


def analyze(folder: Path, report: Path) -> dict[str, list]:
    """qgis-plugin-analyzer's findings on ``folder``, by kind: i18n, qt6, metadata, security."""
    done = subprocess.run(
        [str(ANALYZER), "analyze", str(folder), "-o", str(report), "--no-cache", "--linters", "none"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    context = report / "project_context.json"
    assert context.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(context.read_text())
    issues = result["qgis_compliance"]["best_practices"]["issues"]
    standards = result["qgis_compliance"]["repository_standards"]
    kinds = {
        "i18n": [i for i in issues if i["type"] == "MISSING_I18N"],
        "qt6": [i for i in issues if i["type"].startswith("QT6_") or i["type"] in QT6_LEGACY],
        "metadata": [i for i in issues if i["type"].startswith("METADATA_")],
        "security": list(result["security"]["findings"]),
        "structure": [],
    }
    kinds["metadata"] += [f"missing {key}" for key in standards["metadata"]["missing"]]
    if not standards["structure"]["is_valid"]:
        kinds["structure"].append(standards["structure"])
    kinds["structure"] += [f"binary {b}" for b in result["repository_compliance"]["binaries"]]
    return kinds


def test_qgis_plugin_analyzer_finds_nothing_in_the_packaged_plugin(package, tmp_path):
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "plugin")
    kinds = analyze(tmp_path / "plugin" / FOLDER, tmp_path / "report")
    assert {kind: len(found) for kind, found in kinds.items()} == dict.fromkeys(kinds, 0), {
        kind: [f"{i['file']}:{i['line']} {i['message']}" if isinstance(i, dict) and "file" in i else i
               for i in found[:20]]
        for kind, found in kinds.items() if found
    }  # fmt: skip


BAD_PLUGIN = {
    "__init__.py": "def classFactory(iface):\n    from .plugin import Plugin\n\n    return Plugin(iface)\n",
    "plugin.py": (
        "from PyQt5.QtCore import QRegExp, QVariant\n\n\n"
        "class Plugin:\n"
        "    def __init__(self, iface):\n        self.iface = iface\n\n"
        "    def initGui(self):\n"
        "        self.iface.messageBar().pushWarning('iSAGE', 'No click record is open')\n"
        "        self.pattern = QRegExp('[0-9]+')\n"
        "        self.kind = QVariant.String\n\n"
        "    def unload(self):\n        eval(self.iface.text())\n"
    ),
    "metadata.txt": "[general]\nname=Bad\nqgisMinimumVersion=3.40\ndescription=x\nabout=x\nauthor=a\n"
    "email=a@b.c\n",
}


def test_the_analyzer_reading_counts_the_planted_findings(tmp_path):
    folder = tmp_path / "bad_plugin"
    folder.mkdir()
    for name, text in BAD_PLUGIN.items():
        (folder / name).write_text(text)
    kinds = analyze(folder, tmp_path / "report")
    assert [i["message"] for i in kinds["i18n"]] and "No click record is open" in kinds["i18n"][0]["message"]
    assert {i["type"] for i in kinds["qt6"]} >= {"QT6_QREGEXP_USAGE", "PYQT5_IMPORT", "OBSOLETE_VARIANT"}
    assert "missing version" in kinds["metadata"] and any(
        isinstance(i, dict) and i["type"] == "METADATA_REPOSITORY" for i in kinds["metadata"]
    )
    assert [f["type"] for f in kinds["security"]] == ["B307"]  # eval()
