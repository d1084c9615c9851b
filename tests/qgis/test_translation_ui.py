"""Headless QGIS in Brazilian Portuguese and in Spanish: the plugin loads the translation of QGIS's locale
and the panel, a dialog, a Processing algorithm (name, help, a parameter, an output) and the message after
a refused click follow it, and so do the plugin's own sentences about the engine (base Python, torch
choice, handshake); back in English, English plural forms."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from qgis.core import QgsSettings

from isage_qgis import translation
from isage_qgis.clicks.actions import ClickActions
from isage_qgis.engine import handshake
from isage_qgis.engine.base_python import find_base_python
from isage_qgis.engine.install_plan import InstallPlan, describe_choice, torch_refusal
from isage_qgis.engine.protocol import missing_engine_message
from isage_qgis.panel.dialogs import NewWorkspaceDialog
from isage_qgis.panel.dock import IsageDock
from isage_qgis.panel.settings_dialog import TOOLTIP_ROLE, SettingsDialog
from isage_qgis.processing.train import TrainAlgorithm
from isage_qgis.settings import PluginSettings

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


SPOKEN = {  # what the plugin says in each language: QGIS's locale -> the translation loaded and its texts
    "pt_BR": {
        "qm": "isage_pt_BR.qm",
        "train": "Treinar",
        "predict": "Prever",
        "record": "Nenhum registro de cliques aberto: crie uma área de trabalho ou abra uma.",
        "scope": "Extensão visível",
        "dialog": "Nova área de trabalho do iSAGE",
        "algorithm": "Treinar o modelo a partir dos cliques",
        "group": "Modelo",
        "help": "Treina o modelo da iteração atual da área de trabalho",
        "warm start": "Partida a quente",
        "output": "Cliques ainda previstos incorretamente",
        "refused": "Nenhum registro de cliques está aberto.",
        "plural": {1: "1 quadro não encontrado", 2: "2 quadros não encontrados"},
    },
    "es_ES": {  # no es_ES file: the language's own (isage_es)
        "qm": "isage_es.qm",
        "train": "Entrenar",
        "predict": "Predecir",
        "record": "Ningún registro de clics abierto: cree un espacio de trabajo o abra uno.",
        "scope": "Extensión visible",
        "dialog": "Nuevo espacio de trabajo de iSAGE",
        "algorithm": "Entrenar el modelo a partir de los clics",
        "group": "Modelo",
        "help": "Entrena el modelo de la iteración actual del espacio de trabajo",
        "warm start": "Arranque en caliente",
        "output": "Clics aún mal predichos",
        "refused": "No hay ningún registro de clics abierto.",
        "plural": {1: "1 marco no encontrado", 2: "2 marcos no encontrados"},
    },
}


@pytest.mark.parametrize("code", sorted(SPOKEN))
def test_the_panel_dialog_processing_and_a_refused_click_speak_the_locale(
    code, locale, qgis_iface, qgis_new_project
):
    said = SPOKEN[code]
    assert locale(code).endswith(said["qm"])
    dock = IsageDock(qgis_iface, qgis_iface.mainWindow())
    try:
        ui = dock.ui
        assert ui.train_button.text() == said["train"]
        assert ui.predict_button.text() == said["predict"]
        assert ui.record_label.text() == said["record"]
        assert ui.scope_combo.itemText(1) == said["scope"]
    finally:
        dock.cleanup()
        dock.deleteLater()
    dialog = NewWorkspaceDialog([])
    assert dialog.windowTitle() == said["dialog"]
    algorithm = TrainAlgorithm()
    assert algorithm.displayName() == said["algorithm"]
    assert algorithm.group() == said["group"]
    assert algorithm.shortHelpString().startswith(said["help"])
    algorithm.initAlgorithm({})
    assert algorithm.parameterDefinition("WARM_START").description() == said["warm start"]
    assert algorithm.outputDefinition("UNRESOLVED").description() == said["output"]
    refused = ClickActions(record=None, active_class=1, frame_layers=[]).undo()
    assert refused.text == said["refused"]
    for count, text in said["plural"].items():
        assert translation.tr("%n frame(s) not found", count) == text


ENGINE_SPOKEN = {  # the plugin's own sentences about the engine: base Python, torch choice, handshake
    "pt_BR": {
        "no base": "Nenhum Python 3.10 ou mais recente foi encontrado: instale python3 e python3-venv "
        "(Debian/Ubuntu: sudo apt install python3 python3-venv) e depois clique em Criar o ambiente do motor",
        "cpu": "a build para CPU do índice de CPU do PyTorch (torch com cerca de 192 MB)",
        "refusal": "o índice de pacotes instalaria a build CUDA do torch 2.13.0+cu130 (2 pacotes, 1 deles "
        "bibliotecas CUDA, cerca de 2.7 GB de downloads), que não foi pedida: ",
        "missing": "O Python do motor do iSAGE '/no/python' não existe ou não é executável; defina-o nas "
        "configurações do iSAGE (Python do motor)",
        "mismatch": "o motor do iSAGE em /env/python é a versão 0.1, este plugin é a 9.9: clique em "
        "Atualizar o motor nas configurações do iSAGE",
        "step": "verificando o motor",
    },
    "es_ES": {
        "no base": "No se encontró ningún Python 3.10 o más reciente: instale python3 y python3-venv "
        "(Debian/Ubuntu: sudo apt install python3 python3-venv) y luego haga clic en Crear el entorno del "
        "motor",
        "cpu": "la compilación para CPU del índice de CPU de PyTorch (torch de unos 192 MB)",
        "refusal": "el índice de paquetes instalaría la compilación CUDA de torch 2.13.0+cu130 (2 paquetes, "
        "1 de ellos bibliotecas CUDA, unos 2.7 GB de descargas), que no se ha pedido: ",
        "missing": "El Python del motor de iSAGE '/no/python' no existe o no es ejecutable; indíquelo en la "
        "configuración de iSAGE (Python del motor)",
        "mismatch": "el motor de iSAGE en /env/python es la versión 0.1, este complemento es la 9.9: haga "
        "clic en Actualizar el motor en la configuración de iSAGE",
        "step": "comprobando el motor",
    },
}


@pytest.mark.parametrize("code", sorted(ENGINE_SPOKEN))
def test_the_engine_sentences_of_the_plugin_speak_the_locale(code, locale):
    said = ENGINE_SPOKEN[code]
    locale(code)
    assert find_base_python([], lambda _command: None, "linux").message == said["no base"]
    dialog = SettingsDialog(PluginSettings(torch="cpu"))
    cpu = dialog.torch_combo.findText("cpu")
    assert dialog.torch_combo.itemData(cpu, TOOLTIP_ROLE) == said["cpu"]
    plan = InstallPlan({"torch": "2.13.0+cu130", "nvidia-cublas-cu13": "13.0"}, {})
    how = translation.tr("choose CPU or CUDA torch in the iSAGE settings")
    assert torch_refusal(plan, "default", how, translation.tr) == said["refusal"] + how
    assert missing_engine_message("/no/python").startswith(said["missing"])
    assert handshake.engine_problem({"isage": "0.1"}, "/env/python", "9.9") == said["mismatch"]
    assert translation.tr(handshake.LABEL) == said["step"]
    # make install's own use of install_plan stays English: no translate, no QGIS
    assert describe_choice("cpu") == "the CPU build from PyTorch's CPU index (torch about 192 MB)"


def test_english_after_another_language(locale):
    assert locale("es_ES").endswith("isage_es.qm")
    assert locale("en_US").endswith("isage_en.qm")
    assert translation.tr("%n frame(s) not found", 1) == "1 frame not found"
    assert translation.tr("%n frame(s) not found", 3) == "3 frames not found"
    assert TrainAlgorithm().displayName() == "Train model from clicks"
