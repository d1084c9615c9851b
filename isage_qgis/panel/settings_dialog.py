"""The iSAGE settings dialog: engine Python (checked with ``isage info``), device, annotator, budget,
building the engine environment, and the accuracy assessment's sample design. Logic lives in
:mod:`..engine.discovery` and :mod:`..engine.environment`."""

from __future__ import annotations

import logging

from qgis.core import QgsApplication, QgsTask
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..engine import handshake
from ..engine.base_python import find_base_python
from ..engine.discovery import (
    clear_engine_cache,
    default_env_dir,
    env_python,
    find_engine_python,
    probe_engine,
)
from ..engine.environment import EnvironmentBuilder, EnvRequest, build_steps, bundled_engine
from ..engine.install_plan import TORCH_CHOICES, describe_choice, nvidia_gpu
from ..engine.worker import EngineError
from ..resources import plugin_version
from ..settings import ALLOCATIONS, PluginSettings
from ..translation import tr

log = logging.getLogger(__name__)
DEVICES = ("auto", "cpu", "cuda", "mps")
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole


def describe_report(python: str, report: dict) -> str:
    """A short text about a probed engine: where, which version, torch and device, and whether it fits."""
    gpu = tr("yes") if report.get("cuda_available") else tr("no")
    gpus = ", ".join(report.get("gpus", []) or [])
    problem = handshake.engine_problem(report, python)
    get = {key: report.get(key, "?") for key in ("isage", "distribution", "python", "torch", "torch_build")}
    lines = [
        tr("Engine Python: {python}").format(python=python),
        tr("iSAGE {isage} ({distribution}), Python {python}, torch {torch} ({torch_build} build)").format(
            **get
        ),
        tr("GPU (CUDA) detected: {gpu}; device used: {device}").format(
            gpu=f"{gpu} ({gpus})" if gpus else gpu, device=report.get("device", "?")
        ),
        tr("Not usable: {problem}").format(problem=problem)
        if problem
        else tr("Matches this plugin ({version}); training works.").format(version=plugin_version()),
    ]
    return "\n".join(lines)


def _probe(task: QgsTask, python_setting: str) -> tuple[str, dict]:
    """Find and probe the engine (runs in a QGIS task thread)."""
    clear_engine_cache()
    python = python_setting or find_engine_python(PluginSettings(engine_python=python_setting)) or ""
    if not python:
        raise EngineError(
            tr("no iSAGE engine Python was found; set it below or create the engine environment")
        )
    return python, probe_engine(python)


class SettingsDialog(QDialog):
    """Edit :class:`PluginSettings`; ``settings()`` returns what the user chose (saved on OK)."""

    def __init__(self, settings: PluginSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("iSAGE settings"))
        self.setMinimumWidth(560)
        self._task: QgsTask | None = None
        self._builder: EnvironmentBuilder | None = None

        self.python_edit = QLineEdit(settings.engine_python)
        self.python_edit.setPlaceholderText(
            tr("found automatically (ISAGE_PYTHON, the managed environment, isage on PATH)")
        )
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.python_edit)
        row.addWidget(browse)
        self.device_combo = QComboBox()
        self.device_combo.setEditable(True)
        self.device_combo.addItems(DEVICES)
        self.device_combo.setCurrentText(settings.device or "auto")
        self.annotator_edit = QLineEdit(settings.annotator)
        self.annotator_edit.setPlaceholderText(tr("your name, stored with every click"))
        self.over_budget_check = QCheckBox(tr("Allow more than one click per class, frame and iteration"))
        self.over_budget_check.setToolTip(
            tr("The iSAGE method allows one; overriding it is recorded nowhere else.")
        )
        self.over_budget_check.setChecked(not settings.enforce_budget)
        self.scheduler_edit = QLineEdit(settings.scheduler)
        self.scheduler_edit.setPlaceholderText(
            tr("empty: predict on this computer; tcp://host:8786 or a .json file")
        )
        self.scheduler_edit.setToolTip(
            tr(
                "A running Dask scheduler (its address, or the file `dask scheduler --scheduler-file` "
                "wrote) that Predict and Train run their predictions on. Frames, models and outputs must "
                "be on storage every worker reads at the same paths."
            )
        )
        tls_hint = tr(
            "For a tls:// scheduler: the CA certificate that signed the scheduler's certificate, and this "
            "computer's certificate and private key (PEM files, as Dask's security settings take them). "
            "Without them only a plain tcp:// scheduler is reached, which whoever reaches it can run code on."
        )
        self.tls_widgets = []
        for value in settings.scheduler_tls():
            widget = QgsFileWidget()
            widget.setFilePath(value)
            widget.setFilter(tr("PEM files (*.pem *.crt *.key);;All files (*)"))
            widget.setToolTip(tls_hint)
            self.tls_widgets.append(widget)
        self.propose_check = QCheckBox(tr("Propose where to click next after each prediction"))
        self.propose_check.setToolTip(
            tr(
                "Predict and Train then also run `isage propose`: up to one point per predicted class and "
                "frame, stepped through with 'Next proposal'. It costs about one more prediction pass."
            )
        )
        self.propose_check.setChecked(settings.propose)
        self.live_check = QCheckBox(tr("Train while I click (live training)"))
        self.live_check.setToolTip(
            tr(
                "One engine process stays up for the QGIS session and trains the current iteration in the "
                "background, at low priority, on the clicks as you make them; Train then only closes the "
                "iteration (saves the model, predicts, proposes)."
            )
        )
        self.live_check.setChecked(settings.live_training)
        self.preview_check = QCheckBox(tr("Show what the model being trained predicts where I click"))
        self.preview_check.setToolTip(
            tr(
                "With live training: every few seconds, the layer 'iSAGE live preview' shows the current "
                "model's classes around the newest click (a small prediction each time)."
            )
        )
        self.preview_check.setChecked(settings.live_preview)
        self._resident_engine = settings.resident_engine  # an expert setting, kept as it is
        self.budget_spin = QDoubleSpinBox()
        self.budget_spin.setRange(5.0, 3600.0)
        self.budget_spin.setDecimals(0)
        self.budget_spin.setSuffix(" s")
        self.budget_spin.setValue(settings.train_time_budget_s)
        self.budget_spin.setToolTip(
            tr(
                "Without live training, Train trains until the clicks fit or the loss settles, for at "
                "most this many seconds."
            )
        )
        form = QFormLayout()
        form.addRow(tr("Engine Python"), row)
        form.addRow(tr("Device"), self.device_combo)
        form.addRow(tr("Annotator"), self.annotator_edit)
        form.addRow("", self.over_budget_check)
        form.addRow("", self.propose_check)
        form.addRow("", self.live_check)
        form.addRow("", self.preview_check)
        form.addRow(tr("Training time budget"), self.budget_spin)
        form.addRow(tr("Dask scheduler"), self.scheduler_edit)
        tls_labels = (tr("Scheduler CA certificate"), tr("Client certificate"), tr("Client private key"))
        for label, widget in zip(tls_labels, self.tls_widgets, strict=True):
            form.addRow(label, widget)

        self.status_label = QLabel(tr("Press “Check engine” to see which engine, torch and device are used."))
        self.status_label.setWordWrap(True)
        self.check_button = QPushButton(tr("Check engine"))
        self.check_button.clicked.connect(self.check_engine)
        self.source_edit = QLineEdit(settings.wheel_folder)
        self.source_edit.setPlaceholderText(tr("empty: the package index; or a folder of wheels (offline)"))
        self.torch_combo = QComboBox()
        for choice in TORCH_CHOICES:
            self.torch_combo.addItem(choice)
            self.torch_combo.setItemData(
                self.torch_combo.count() - 1, describe_choice(choice, tr), TOOLTIP_ROLE
            )
        self.torch_combo.setCurrentText(settings.torch if settings.torch in TORCH_CHOICES else "default")
        self.torch_hint = QLabel(self._torch_hint())
        self.torch_hint.setWordWrap(True)
        self.torch_combo.currentTextChanged.connect(lambda _: self.torch_hint.setText(self._torch_hint()))
        engine = bundled_engine()
        self.build_button = QPushButton(tr("Create engine environment"))
        self.build_button.setEnabled(engine is not None)
        if engine is None:
            self.build_button.setToolTip(
                tr("this copy of the plugin carries no engine (a development checkout)")
            )
        self.build_button.clicked.connect(self.build_environment)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        engine_box = QGroupBox(tr("Engine"))
        box = QVBoxLayout(engine_box)
        box.addWidget(self.status_label)
        box.addWidget(self.check_button)
        env_form = QFormLayout()
        env_form.addRow(tr("Offline wheels"), self.source_edit)
        env_form.addRow(tr("Torch"), self.torch_combo)
        env_form.addRow("", self.torch_hint)
        box.addLayout(env_form)
        box.addWidget(QLabel(tr("Environment folder: {folder}").format(folder=default_env_dir())))
        box.addWidget(self.build_button)
        box.addWidget(self.progress_bar)

        assessment_box = self._assessment_box(settings)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(engine_box)
        layout.addWidget(assessment_box)
        layout.addWidget(buttons)

    def _assessment_box(self, settings: PluginSettings) -> QGroupBox:
        """How Assess map draws a new sample (``isage assess design``): its size and allocation, its seed."""
        self.target_se_spin = QDoubleSpinBox()
        self.target_se_spin.setDecimals(3)
        self.target_se_spin.setRange(0.005, 0.2)
        self.target_se_spin.setSingleStep(0.005)
        self.target_se_spin.setValue(settings.assess_target_se)
        self.target_se_spin.setToolTip(
            tr(
                "The standard error of overall accuracy the sample should reach: how precise the overall "
                "accuracy estimate should be; it sets the number of sample points. "
                "A smaller standard error needs more points: 0.025 gives a 95% interval of about ±5 "
                "percentage points, 0.0125 about four times as many points for ±2.5."
            )
        )
        self.anticipated_spin = QDoubleSpinBox()
        self.anticipated_spin.setDecimals(2)
        self.anticipated_spin.setRange(0.5, 0.99)
        self.anticipated_spin.setSingleStep(0.01)
        self.anticipated_spin.setValue(settings.assess_anticipated)
        self.anticipated_spin.setToolTip(
            tr(
                "The user's accuracy you expect of each class, used only to work out the number of points. "
                "A lower value needs more points; if the map turns out better, the interval is narrower "
                "than the target."
            )
        )
        self.allocation_combo = QComboBox()
        names = {
            "proportional": tr("Proportional to the mapped area"),
            "equal": tr("Equal for every class"),
            "minimum": tr("Proportional, with a minimum"),
        }
        tips = {
            "proportional": tr(
                "Each class gets points in proportion to its mapped area: the most precise overall "
                "accuracy, but a rare class may get too few points to estimate its accuracy."
            ),
            "equal": tr(
                "Every class gets the same number of points: the best for comparing classes, but the "
                "overall accuracy and areas are less precise."
            ),
            "minimum": tr(
                "In proportion to the mapped area, but every class gets at least the minimum below, so "
                "that rare classes can be estimated too (adds points when classes are rare)."
            ),
        }
        for rule in ALLOCATIONS:
            self.allocation_combo.addItem(names[rule], rule)
            self.allocation_combo.setItemData(self.allocation_combo.count() - 1, tips[rule], TOOLTIP_ROLE)
        self.allocation_combo.setToolTip(
            tr("How the sample points are shared among the classes of the map (its strata).")
        )
        index = self.allocation_combo.findData(settings.assess_allocation)
        self.allocation_combo.setCurrentIndex(index if index >= 0 else ALLOCATIONS.index("minimum"))
        self.minimum_spin = QSpinBox()
        self.minimum_spin.setRange(1, 10000)
        self.minimum_spin.setValue(max(1, settings.assess_minimum))
        self.minimum_spin.setToolTip(
            tr(
                "The fewest points any class gets with the minimum allocation; a higher minimum means "
                "more points in all when some classes are rare."
            )
        )
        self.allocation_combo.currentIndexChanged.connect(self._allocation_changed)
        self._allocation_changed()
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_147_483_647)
        self.seed_spin.setValue(max(0, settings.assess_seed))
        self.seed_spin.setToolTip(
            tr(
                "The random seed of the sample: the same seed, map and settings draw the same points; "
                "change it to draw a different sample."
            )
        )
        box = QGroupBox(tr("Accuracy assessment"))
        box.setToolTip(
            tr("How Assess map draws a new sample of pixels to label; a sample already drawn is kept.")
        )
        form = QFormLayout(box)
        form.addRow(tr("Target standard error"), self.target_se_spin)
        form.addRow(tr("Anticipated user's accuracy"), self.anticipated_spin)
        form.addRow(tr("Allocation"), self.allocation_combo)
        form.addRow(tr("Minimum points per class"), self.minimum_spin)
        form.addRow(tr("Random seed"), self.seed_spin)
        return box

    def _allocation_changed(self, *_) -> None:
        self.minimum_spin.setEnabled(self.allocation_combo.currentData() == "minimum")

    def settings(self) -> PluginSettings:
        """The settings as edited (not saved)."""
        return PluginSettings(
            engine_python=self.python_edit.text().strip(),
            device=self.device_combo.currentText().strip() or "auto",
            enforce_budget=not self.over_budget_check.isChecked(),
            annotator=self.annotator_edit.text().strip(),
            torch=self.torch_combo.currentText(),
            wheel_folder=self.source_edit.text().strip(),
            scheduler=self.scheduler_edit.text().strip(),
            scheduler_tls_ca=self.tls_widgets[0].filePath().strip(),
            scheduler_tls_cert=self.tls_widgets[1].filePath().strip(),
            scheduler_tls_key=self.tls_widgets[2].filePath().strip(),
            propose=self.propose_check.isChecked(),
            live_training=self.live_check.isChecked(),
            live_preview=self.preview_check.isChecked(),
            resident_engine=self._resident_engine,
            train_time_budget_s=float(self.budget_spin.value()),
            assess_target_se=round(self.target_se_spin.value(), 3),
            assess_anticipated=round(self.anticipated_spin.value(), 2),
            assess_allocation=self.allocation_combo.currentData() or "minimum",
            assess_minimum=self.minimum_spin.value(),
            assess_seed=self.seed_spin.value(),
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
            self, tr("Engine Python (python or python.exe of the isage environment)")
        )
        if path:
            self.python_edit.setText(path)

    # ---- checking the engine (a QGIS task: ``isage info`` imports torch, several seconds) ------------
    def check_engine(self) -> None:
        if self._task is not None:
            return
        self.status_label.setText(tr("Checking the engine (importing torch)…"))
        self.check_button.setEnabled(False)
        self._task = QgsTask.fromFunction(
            tr("iSAGE: checking the engine"),
            _probe,
            self.python_edit.text().strip(),
            on_finished=self._checked,
        )
        QgsApplication.taskManager().addTask(self._task)

    def _checked(self, exception, result=None) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        if exception is not None or result is None:
            reason = exception or tr("check cancelled")
            self.status_label.setText(tr("Engine not usable: {reason}").format(reason=reason))
            if bundled_engine() is not None:
                self.build_button.setText(tr("Update engine"))
            return
        python, report = result
        self.status_label.setText(describe_report(python, report))
        if handshake.engine_problem(report, python) and bundled_engine() is not None:
            self.build_button.setText(tr("Update engine"))

    def _torch_hint(self) -> str:
        text = describe_choice(self.torch_combo.currentText(), tr)
        gpu = nvidia_gpu()
        if gpu and self.torch_combo.currentText() != "cuda":
            text += ". " + tr("An NVIDIA GPU was found ({gpu}): choose cuda to train on it.").format(gpu=gpu)
        return text

    # ---- building the environment --------------------------------------------------------------------
    def build_environment(self) -> None:
        """Create, or update, the managed environment with the engine this plugin carries."""
        if self._builder is not None and self._builder.is_running():
            self._builder.cancel()
            return
        engine = bundled_engine()
        if engine is None:
            self.status_label.setText(
                tr(
                    "This copy of the plugin carries no engine (a development checkout): use the "
                    "repository's .venv, or install the plugin zip made by `make package`."
                )
            )
            return
        search = find_base_python()
        if search.python is None:
            self.status_label.setText(search.message)
            return
        request = EnvRequest(
            search.python,
            default_env_dir(),
            engine,
            wheel_folder=self.source_edit.text().strip(),
            torch=self.torch_combo.currentText(),
        )
        self._builder = EnvironmentBuilder(build_steps(request), self)
        self._builder.progress.connect(self._built_progress)
        self._builder.finished.connect(self._built)
        self.progress_bar.setVisible(True)
        self.build_button.setText(tr("Cancel environment creation"))
        self._builder.start()

    def _built_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(1000 * fraction))
        self.status_label.setText(message)

    def _built(self, ok: bool, message: str) -> None:
        self.build_button.setText(tr("Create engine environment"))
        self.progress_bar.setVisible(ok)
        if ok:
            self.python_edit.setText(str(env_python(default_env_dir())))
            self.status_label.setText(tr("{message}. Checking it…").format(message=message))
            self.check_engine()
        else:
            self.status_label.setText(message)
