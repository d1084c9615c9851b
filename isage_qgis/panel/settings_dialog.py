"""The iSAGE settings dialog: engine Python (checked with ``isage info``), device, annotator, budget,
and building the engine environment. Logic lives in :mod:`..engine.discovery`
and :mod:`..engine.environment`."""

from __future__ import annotations

import logging

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..engine import environment as engine_env
from ..engine.discovery import (
    clear_engine_cache,
    default_env_dir,
    env_python,
    find_engine_python,
    probe_engine,
)
from ..engine.worker import EngineError
from ..settings import PluginSettings

log = logging.getLogger(__name__)
DEVICES = ("auto", "cpu", "cuda", "mps")


def describe_report(python: str, report: dict) -> str:
    """A short text about a probed engine: where, which torch, and which device it will use."""
    gpu = "yes" if report.get("cuda_available") else "no"
    gpus = ", ".join(report.get("gpus", []) or [])
    lines = [
        f"Engine Python: {python}",
        f"iSAGE {report.get('isage', '?')}, Python {report.get('python', '?')}, "
        f"torch {report.get('torch', '?')}",
        f"GPU (CUDA) detected: {gpu}{f' ({gpus})' if gpus else ''}; device used: {report.get('device', '?')}",
    ]
    return "\n".join(lines)


def _probe(task: QgsTask, python_setting: str) -> tuple[str, dict]:
    """Find and probe the engine (runs in a QGIS task thread)."""
    clear_engine_cache()
    python = python_setting or find_engine_python(PluginSettings(engine_python=python_setting)) or ""
    if not python:
        raise EngineError("no iSAGE engine Python was found; set it below or create the engine environment")
    return python, probe_engine(python)


class SettingsDialog(QDialog):
    """Edit :class:`PluginSettings`; ``settings()`` returns what the user chose (saved on OK)."""

    def __init__(self, settings: PluginSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("iSAGE settings")
        self.setMinimumWidth(560)
        self._task: QgsTask | None = None
        self._builder: engine_env.EnvironmentBuilder | None = None

        self.python_edit = QLineEdit(settings.engine_python)
        self.python_edit.setPlaceholderText(
            "found automatically (ISAGE_PYTHON, the managed environment, isage on PATH)"
        )
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.python_edit)
        row.addWidget(browse)
        self.device_combo = QComboBox()
        self.device_combo.setEditable(True)
        self.device_combo.addItems(DEVICES)
        self.device_combo.setCurrentText(settings.device or "auto")
        self.annotator_edit = QLineEdit(settings.annotator)
        self.annotator_edit.setPlaceholderText("your name, stored with every click")
        self.over_budget_check = QCheckBox("Allow more than one click per class, frame and iteration")
        self.over_budget_check.setToolTip(
            "The iSAGE method allows one; overriding it is recorded nowhere else."
        )
        self.over_budget_check.setChecked(not settings.enforce_budget)
        form = QFormLayout()
        form.addRow("Engine Python", row)
        form.addRow("Device", self.device_combo)
        form.addRow("Annotator", self.annotator_edit)
        form.addRow("", self.over_budget_check)

        self.status_label = QLabel("Press “Check engine” to see which engine, torch and device are used.")
        self.status_label.setWordWrap(True)
        self.check_button = QPushButton("Check engine")
        self.check_button.clicked.connect(self.check_engine)
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("empty: pip install isage; or a .whl file / a folder of wheels")
        self.cpu_check = QCheckBox("CPU-only torch (smaller download)")
        self.build_button = QPushButton("Create engine environment")
        self.build_button.clicked.connect(self.build_environment)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        engine_box = QGroupBox("Engine")
        box = QVBoxLayout(engine_box)
        box.addWidget(self.status_label)
        box.addWidget(self.check_button)
        env_form = QFormLayout()
        env_form.addRow("Install from", self.source_edit)
        env_form.addRow("", self.cpu_check)
        box.addLayout(env_form)
        box.addWidget(QLabel(f"Environment folder: {default_env_dir()}"))
        box.addWidget(self.build_button)
        box.addWidget(self.progress_bar)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(engine_box)
        layout.addWidget(buttons)

    def settings(self) -> PluginSettings:
        """The settings as edited (not saved)."""
        return PluginSettings(
            engine_python=self.python_edit.text().strip(),
            device=self.device_combo.currentText().strip() or "auto",
            enforce_budget=not self.over_budget_check.isChecked(),
            annotator=self.annotator_edit.text().strip(),
        )

    def accept(self) -> None:
        self.settings().save()
        super().accept()

    def reject(self) -> None:
        if self._builder is not None and self._builder.is_running():
            self._builder.cancel()
        super().reject()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Engine Python (python or python.exe of the isage environment)"
        )
        if path:
            self.python_edit.setText(path)

    # ---- checking the engine (a QGIS task: ``isage info`` imports torch, several seconds) ------------
    def check_engine(self) -> None:
        if self._task is not None:
            return
        self.status_label.setText("Checking the engine (importing torch)…")
        self.check_button.setEnabled(False)
        self._task = QgsTask.fromFunction(
            "iSAGE: checking the engine", _probe, self.python_edit.text().strip(), on_finished=self._checked
        )
        QgsApplication.taskManager().addTask(self._task)

    def _checked(self, exception, result=None) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        if exception is not None or result is None:
            self.status_label.setText(f"Engine not usable: {exception or 'check cancelled'}")
            return
        python, report = result
        self.status_label.setText(describe_report(python, report))

    # ---- building the environment --------------------------------------------------------------------
    def build_environment(self) -> None:
        if self._builder is not None and self._builder.is_running():
            self._builder.cancel()
            return
        base = engine_env.find_base_python()
        if base is None:
            self.status_label.setText(
                "No Python 3.10+ with venv was found to build the environment from; install Python "
                "(Debian/Ubuntu: apt install python3-venv; Windows/macOS: python.org) and try again."
            )
            return
        extra = list(engine_env.TORCH_CPU_PIP_ARGS) if self.cpu_check.isChecked() else []
        commands = engine_env.build_env_commands(
            base, default_env_dir(), self.source_edit.text().strip(), extra
        )
        self._builder = engine_env.EnvironmentBuilder(commands, self)
        self._builder.progress.connect(self._built_progress)
        self._builder.finished.connect(self._built)
        self.progress_bar.setVisible(True)
        self.build_button.setText("Cancel environment creation")
        self._builder.start()

    def _built_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(1000 * fraction))
        self.status_label.setText(message)

    def _built(self, ok: bool, message: str) -> None:
        self.build_button.setText("Create engine environment")
        self.progress_bar.setVisible(ok)
        if ok:
            self.python_edit.setText(str(env_python(default_env_dir())))
            self.status_label.setText(f"{message}. Checking it…")
            self.check_engine()
        else:
            self.status_label.setText(message)
