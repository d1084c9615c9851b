"""What runs on a Dask worker: the model loaded once per worker, and the task that computes one part.

The model file must be at the same path on every worker (shared storage); a worker whose file differs
from the client's (another SHA-256) refuses to compute rather than mix two models in one map.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from distributed import WorkerPlugin, get_worker
from rasterio.windows import Window

from ..errors import IsageError
from ..inference.backends import Predictor, checkpoint_digest, load_predictor
from ..inference.predict import FramePrediction, FrameTask
from ..settings import PredictSettings
from .parts import write_part

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    """The model every worker loads: its file, content hash and the backend the client resolved."""

    path: str
    digest: str
    backend: (
        str  # torch, onnxruntime, openvino-f32 or openvino-bf16: never auto, so every worker computes alike
    )
    device: str
    amp: bool
    threads: int | None  # CPU threads per part; None: the worker's OMP_NUM_THREADS (Dask sets 1)

    @property
    def plugin_name(self) -> str:
        return f"isage-model-{self.digest[:16]}-{self.backend}-{self.device}-{self.threads}"


class ModelPlugin(WorkerPlugin):
    """Loads the model when a worker joins (or at its first part), and keeps it for every later part."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self._predictor: Predictor | None = None

    def setup(self, worker=None) -> None:
        try:
            self.predictor()
        except Exception as exc:  # reported by the first part this worker runs
            log.warning("isage model not loaded on worker: %s", exc)

    def predictor(self) -> Predictor:
        if self._predictor is None:
            spec = self.spec
            path = Path(spec.path)
            if not path.is_file() or checkpoint_digest(path) != spec.digest:
                raise IsageError(
                    f"{path}: the model file on worker {socket.gethostname()} is missing or differs from the "
                    "client's; put the model on storage every worker reads at the same path"
                )
            threads = spec.threads or int(os.environ.get("OMP_NUM_THREADS") or 1)
            backend, _, precision = spec.backend.partition("-")  # openvino-bf16: OpenVINO in bfloat16
            self._predictor = load_predictor(
                path, backend=backend, device=spec.device, amp=spec.amp, threads=threads,
                precision=precision or "auto",
            )  # fmt: skip
        return self._predictor


@dataclass(frozen=True)
class PartDone:
    """What a part's task reports back: which part, where it ran and how long it computed."""

    name: str
    row: int
    col: int
    seconds: float
    worker: str


def predict_part(
    plugin_name: str, task: FrameTask, settings: PredictSettings, folder: str, window
) -> PartDone:
    """Compute the part at ``window`` (col, row, width, height of the work window) and write its files."""
    started = time.perf_counter()
    worker = get_worker()
    predictor = worker.plugins[plugin_name].predictor()
    block = Window(*window)
    with FramePrediction(task, predictor.backend, predictor.meta, settings) as job:
        write_part(job, Path(folder), block)
    return PartDone(
        task.name, int(block.row_off), int(block.col_off), time.perf_counter() - started, worker.address
    )
