"""OpenVINO on the CPU: the prediction graph (:mod:`..model.onnx_export`) compiled for this processor,
in bfloat16 where the CPU computes it (AMX, AVX-512 BF16), else in float32.

Reduced precision is used only after a guard: on seeded check tiles the bfloat16 graph must give the
float32 graph's class wherever float32's top two classes differ by more than
:data:`REDUCED_DECISIVE_MARGIN`, and the predicted class's probability within
:data:`REDUCED_CONFIDENCE_TOLERANCE`; the verdict is cached beside the graph per processor and OpenVINO
version. A graph that fails it is run in float32.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..atomic import write_bytes_atomic
from ..device import cpu_name
from ..errors import IsageError

log = logging.getLogger(__name__)

Precision = Literal["auto", "f32", "bf16"]
# Measured on real sample frames with a trained model (bfloat16 against float32 OpenVINO, 1.3 Mpx): the
# classes differed on 0.67 % of the pixels, none where float32's margin exceeded 0.35; the predicted
# class's probability moved by 0.047 at the 99th percentile and 0.22 at most.
REDUCED_DECISIVE_MARGIN = 0.5
REDUCED_CONFIDENCE_TOLERANCE = 0.25
GUARD_VERSION = "1"


def openvino_version() -> str | None:
    """The installed OpenVINO's version, or None when it does not import."""
    try:
        import openvino
    except Exception:  # a broken install is reported as absent; another backend then predicts
        return None
    return str(openvino.__version__).split("-")[0]


class OpenVinoBackend:
    """An OpenVINO CPU compilation of the prediction graph at one precision (``f32`` or ``bf16``).

    It runs one stream of one thread per CPU thread it is given: :meth:`stream` keeps every stream busy
    with a batch of its own (2 streams of 1 thread computed 16-18 % more tiles a second than 1 request on
    2 threads, 2 cores, 2026-12-07), and each batch is computed by one thread, so the same batch gives the
    same numbers whatever the thread count. :meth:`run` computes one batch on one stream.
    """

    def __init__(self, graph: bytes | Path, threads: int, precision: Literal["f32", "bf16"]):
        import openvino as ov

        core = ov.Core()
        model = core.read_model(str(graph) if isinstance(graph, Path) else graph)
        streams = max(int(threads), 1)
        config = {
            "INFERENCE_PRECISION_HINT": precision,
            "INFERENCE_NUM_THREADS": streams,
            "NUM_STREAMS": streams,
        }
        self.compiled = core.compile_model(model, "CPU", config)
        self.requests = [self.compiled.create_infer_request() for _ in range(streams)]
        self.request = self.requests[0]
        # what OpenVINO actually computes in: a CPU without bfloat16 runs float32 whatever the hint
        actual = str(self.compiled.get_property("INFERENCE_PRECISION_HINT")).lower()
        self.precision = "bf16" if "bf16" in actual or "bfloat16" in actual else "f32"
        self.name = f"openvino-{self.precision}"
        self.outputs = len(self.compiled.outputs)

    def run(self, batch: np.ndarray, transient: bool = False) -> list[np.ndarray]:
        """Every output of the graph for ``batch``, float32: copies, or (``transient``) the request's own
        buffers, which the next call overwrites."""
        with _tile_errors(batch):
            results = self.request.infer(
                {0: np.ascontiguousarray(batch, dtype=np.float32)}, share_inputs=True, share_outputs=True
            )
        outputs = [np.asarray(results[i], dtype=np.float32) for i in range(self.outputs)]
        return outputs if transient else [out.copy() for out in outputs]

    def stream(self, batches: Iterable[np.ndarray]) -> Iterator[list[np.ndarray]]:
        """Every output of each batch, in order, with up to one batch per stream computing at once; each
        yielded list holds a request's own buffers, valid until the generator is resumed (the next batch
        is read from ``batches`` while the streams compute)."""
        source = iter(batches)
        pending: deque = deque()  # (request, its input batch, kept alive while it computes)
        try:
            for request in self.requests:
                if not self._start(request, source, pending):
                    break
            while pending:
                request, batch = pending.popleft()
                with _tile_errors(batch):
                    request.wait()
                outputs = range(self.outputs)
                yield [np.asarray(request.get_output_tensor(i).data, dtype=np.float32) for i in outputs]
                self._start(request, source, pending)
        finally:  # a cancel or a failure: no request may still read a batch about to be freed
            for request, _ in pending:
                with suppress(Exception):
                    request.wait()

    @staticmethod
    def _start(request, source: Iterator[np.ndarray], pending: deque) -> bool:
        batch = next(source, None)
        if batch is None:
            return False
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        with _tile_errors(batch):
            request.start_async({0: batch}, share_inputs=True)
        pending.append((request, batch))
        return True

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """The first output, copied."""
        return self.run(batch)[0]

    def transient_probabilities(self, batch: np.ndarray) -> np.ndarray:
        """The first output in the request's own buffer, valid (and writable) until the next call: the tile
        runner blends it at once, without a copy."""
        return self.run(batch, transient=True)[0]

    def stream_probabilities(self, batches: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """The first output of each batch (see :meth:`stream`)."""
        return (outputs[0] for outputs in self.stream(batches))


@contextmanager
def _tile_errors(batch: np.ndarray) -> Iterator[None]:
    """OpenVINO's refusal of a tile size the encoder cannot take, as a one-line error."""
    try:
        yield
    except Exception as exc:  # OpenVINO raises its own exception types
        if "divisible" in str(exc) or "Concat" in str(exc) or "shape" in str(exc).lower():
            raise IsageError(
                f"tile size {batch.shape[-1]} does not suit this encoder; "
                "use a tile size that is a multiple of 32"
            ) from exc
        raise


@dataclass(frozen=True)
class ReducedCheck:
    """How a reduced-precision run compares with float32 on the check tiles."""

    disagreements: int  # pixels of another class where float32's margin exceeds REDUCED_DECISIVE_MARGIN
    decisive: int
    max_confidence_difference: float

    @property
    def passed(self) -> bool:
        return self.disagreements == 0 and self.max_confidence_difference <= REDUCED_CONFIDENCE_TOLERANCE

    def describe(self) -> str:
        return (
            f"{self.disagreements} of {self.decisive} pixels of another class where float32's margin exceeds "
            f"{REDUCED_DECISIVE_MARGIN}, the predicted class's probability within "
            f"{self.max_confidence_difference:.3f} (allowed {REDUCED_CONFIDENCE_TOLERANCE})"
        )


def compare_reduced(reference: np.ndarray, candidate: np.ndarray) -> ReducedCheck:
    """Compare (N, C, H, W) float32 probabilities with a reduced-precision run's, as the guard defines."""
    top_two = np.sort(reference, axis=1)[:, -2:]
    decisive = (top_two[:, 1] - top_two[:, 0]) > REDUCED_DECISIVE_MARGIN
    best = reference.argmax(axis=1)
    disagree = (candidate.argmax(axis=1) != best) & decisive
    moved = np.abs(
        np.take_along_axis(reference, best[:, None], 1) - np.take_along_axis(candidate, best[:, None], 1)
    )
    return ReducedCheck(int(disagree.sum()), int(decisive.sum()), float(moved.max()))


def guard_path(graph: Path) -> Path:
    return graph.with_name(graph.name + ".precision.json")


def reduced_precision_verdict(graph: bytes | Path, tiles: np.ndarray, threads: int) -> ReducedCheck:
    """The guard's verdict for ``graph`` on this processor: cached beside a graph file, else computed."""
    key = f"{cpu_name()}|openvino {openvino_version()}|guard {GUARD_VERSION}"
    cache = guard_path(graph) if isinstance(graph, Path) else None
    if cache is not None and cache.is_file():
        try:
            stored = json.loads(cache.read_text())
            if key in stored:
                return ReducedCheck(**stored[key])
        except (ValueError, TypeError, OSError):
            pass
    exact = OpenVinoBackend(graph, threads, "f32").probabilities(tiles)
    reduced = OpenVinoBackend(graph, threads, "bf16").probabilities(tiles)
    check = compare_reduced(exact, reduced)
    if cache is not None:
        try:
            stored = json.loads(cache.read_text()) if cache.is_file() else {}
            stored[key] = asdict(check)
            write_bytes_atomic(cache, json.dumps(stored, indent=1).encode())
        except (ValueError, OSError, IsageError) as exc:
            log.debug("precision verdict not cached beside %s: %s", graph, exc)
    return check
