"""Headless QGIS in Brazilian Portuguese (and once in Spanish): the plugin loads the translation of QGIS's
locale and the panel, a dialog, a Processing algorithm and the message after a refused click follow it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from qgis.core import QgsSettings

from isage_qgis import translation
from isage_qgis.clicks.actions import ClickActions
from isage_qgis.panel.dialogs import NewWorkspaceDialog
from isage_qgis.panel.dock import IsageDock
from isage_qgis.processing.train import TrainAlgorithm

I18N = Path(translation.__file__).parent / "i18n"


@pytest.fixture(scope="module")
def qm_folder(tmp_path_factory) -> Path:
    """The .qm files as `make translations` builds them (lrelease), built here when missing or stale."""
    stale = [ts for ts in I18N.glob("*.ts") if not ts.with_suffix(".qm").is_file()
             or ts.with_suffix(".qm").stat().st_mtime < ts.stat().st_mtime]  # fmt: skip
    if not stale:
        return I18N
    folder = tmp_path_factory.mktemp("qm")
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    for ts in I18N.glob("*.ts"):
        subprocess.run(
            [lrelease, "-silent", str(ts), "-qm", str(folder / ts.with_suffix(".qm").name)], check=True
        )
    return folder


@pytest.fixture
def locale(qm_folder):
    """``locale("pt_BR")``: QGIS's interface locale set, the plugin's translator installed from it."""
    settings = QgsSettings()
    before = settings.value("locale/userLocale", "")

    def use(code: str) -> str | None:
        settings.setValue("locale/userLocale", code)
        return translation.install_translator(folder=qm_folder)

    yield use
    settings.setValue("locale/userLocale", before)
    translation.install_translator("en", folder=qm_folder)  # as the plugin does in an English QGIS


def test_the_panel_dialog_processing_and_a_refused_click_speak_portuguese(
    locale, qgis_iface, qgis_new_project
):
    assert locale("pt_BR").endswith("isage_pt_BR.qm")
    dock = IsageDock(qgis_iface, qgis_iface.mainWindow())
    try:
        ui = dock.ui
        assert ui.train_button.text() == "Treinar"
        assert ui.predict_button.text() == "Prever"
        assert (
            ui.record_label.text()
            == "Nenhum registro de cliques aberto: crie uma área de trabalho ou abra uma."
        )
        assert ui.scope_combo.itemText(1) == "Extensão visível"
    finally:
        dock.cleanup()
        dock.deleteLater()
    dialog = NewWorkspaceDialog([])
    assert dialog.windowTitle() == "Nova área de trabalho do iSAGE"
    algorithm = TrainAlgorithm()
    assert algorithm.displayName() == "Treinar o modelo a partir dos cliques"
    assert algorithm.group() == "Modelo"
    assert algorithm.shortHelpString().startswith("Treina o modelo da iteração atual da área de trabalho")
    refused = ClickActions(record=None, active_class=1, frame_layers=[]).undo()
    assert refused.text == "Nenhum registro de cliques está aberto."
    assert translation.tr("%n frame(s) not found", 2) == "2 quadros não encontrados"
    assert translation.tr("%n frame(s) not found", 1) == "1 quadro não encontrado"


def test_spanish_and_english(locale):
    assert locale("es_ES").endswith("isage_es.qm")  # no es_ES file: the language's own
    assert TrainAlgorithm().displayName() == "Entrenar el modelo a partir de los clics"
    assert translation.tr("No click record is open.") == "No hay ningún registro de clics abierto."
    assert locale("en_US").endswith("isage_en.qm")
    assert translation.tr("%n frame(s) not found", 1) == "1 frame not found"
    assert translation.tr("%n frame(s) not found", 3) == "3 frames not found"
    assert TrainAlgorithm().displayName() == "Train model from clicks"
