"""Predict rasters on a Dask cluster: parts submitted as tasks, finished parts assembled by the client.

The client checks every input first (a refusal submits nothing and writes nothing), resolves the
backend once (every worker runs the same one), cuts each raster into parts (:mod:`.parts`), skips
the parts a matching earlier run finished (``resume``), submits the rest with retries, reports each
finished part as progress, and writes the VRT (and on request a COG) of each output
(:mod:`.assemble`). A cancel (Ctrl-C, SIGTERM, the plugin's Cancel) cancels the tasks not yet run;
no part is ever visible half-written, and a local cluster's workers are stopped with it.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import remove_stale_partials
from ..cancel import CancelToken
from ..errors import Cancelled, IsageError, make_folder
from ..events import ProgressCallback
from ..geo import open_raster
from ..inference.backends import checkpoint_digest
from ..inference.batch import open_predictor
from ..inference.predict import FramePrediction, FrameTask
from ..settings import ClusterSettings, PredictSettings
from .assemble import write_cog, write_vrt
from .parts import check_resume, job_description, prepare_parts
from .security import LOOPBACK, check_transport, client_security

log = logging.getLogger(__name__)

POLL_S = 0.5  # how often the client looks at the cancel token while parts run


@dataclass
class ClusterRun:
    """What a cluster prediction wrote and measured."""

    outputs: dict[str, dict[str, Path]]
    backend: str
    backend_reason: str
    workers: int
    parts: int = 0
    parts_computed: int = 0
    startup_s: float = 0.0  # connecting (or starting the local cluster) and loading the model on workers
    parts_s: float = 0.0  # first part submitted to last part finished
    compute_s: float = 0.0  # the parts' own compute time, summed over workers
    assembly_s: float = 0.0
    part_workers: dict[str, int] = field(default_factory=dict)  # worker address -> parts it computed

    def describe(self) -> dict:
        return {
            "backend": self.backend,
            "backend_reason": self.backend_reason,
            "workers": self.workers,
            "parts": self.parts,
            "parts_computed": self.parts_computed,
            "startup_s": round(self.startup_s, 3),
            "parts_s": round(self.parts_s, 3),
            "compute_s": round(self.compute_s, 3),
            "assembly_s": round(self.assembly_s, 3),
        }


def _dask():
    try:
        import distributed
    except ImportError as exc:
        raise IsageError(
            "predicting on a cluster needs Dask: install the engine's cluster extra "
            "(pip install 'geoisage[cluster]', or make install)"
        ) from exc
    return distributed


@contextmanager
def connect(cluster: ClusterSettings) -> Iterator:
    """A Dask client: of a local cluster started here, of ``scheduler_file``, or of ``scheduler``."""
    distributed = _dask()
    check_transport(cluster)
    security = client_security(cluster)
    with ExitStack() as stack:
        try:
            if cluster.local_workers:
                local = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=cluster.local_workers,
                        threads_per_worker=cluster.threads_per_worker,
                        processes=True,
                        host=LOOPBACK,  # scheduler and workers: nothing listens beyond this machine
                        dashboard_address=cluster.dashboard_address,  # loopback unless asked
                        silence_logs=logging.WARNING,
                    )
                )
                client = stack.enter_context(distributed.Client(local))
                if cluster.dashboard_address:
                    log.info("local Dask cluster: dashboard at %s", client.dashboard_link)
            elif cluster.scheduler_file:
                if not Path(cluster.scheduler_file).is_file():
                    raise IsageError(
                        f"{cluster.scheduler_file}: scheduler file not found; start the scheduler with "
                        "`dask scheduler --scheduler-file FILE` on storage this machine reads"
                    )
                client = stack.enter_context(
                    distributed.Client(
                        scheduler_file=cluster.scheduler_file,
                        timeout=cluster.connect_timeout_s,
                        security=security,
                    )  # fmt: skip
                )
            else:
                client = stack.enter_context(
                    distributed.Client(
                        cluster.scheduler, timeout=cluster.connect_timeout_s, security=security
                    )
                )
        except ssl.SSLError as exc:
            raise IsageError(
                f"{cluster.tls_cert}: the TLS files could not be used ({str(exc).splitlines()[0][:120]}); "
                "give the PEM files of the CA, this client's certificate and its key"
            ) from exc
        except (OSError, TimeoutError) as exc:
            where = cluster.scheduler_file or cluster.scheduler
            raise IsageError(
                f"could not reach the Dask scheduler at {where} ({str(exc).splitlines()[0][:120]}); "
                "start it with `dask scheduler` and check the address and port"
            ) from exc
        yield client


def predict_on_cluster(
    tasks: Sequence[FrameTask],
    model_path: str | Path,
    settings: PredictSettings,
    cluster: ClusterSettings,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    shuffle_seed: int | None = None,
) -> ClusterRun:
    """Predict each raster of ``tasks`` on the cluster ``cluster`` describes; see the module's notes.

    ``shuffle_seed`` submits the parts in a shuffled order (tests: the order must not matter).
    """
    distributed = _dask()
    from .worker import ModelPlugin, ModelSpec, predict_part

    model_path = Path(model_path)
    names = [task.name for task in tasks]
    if len(set(names)) != len(names):
        raise IsageError(f"two rasters would write outputs of one name ({', '.join(names)}); rename one")
    shapes = []
    for task in tasks:
        with open_raster(task.frame) as src:
            shapes.append((src.height, src.width))
    predictor = open_predictor(model_path, settings, shapes)
    digest = checkpoint_digest(model_path)
    spec = ModelSpec(
        str(model_path.resolve()),
        digest,
        predictor.backend.name,
        settings.device,
        settings.amp,
        settings.threads,
    )
    run = ClusterRun({}, predictor.backend.name, predictor.reason, 0)
    with ExitStack() as jobs:
        opened = [
            jobs.enter_context(FramePrediction(task, predictor.backend, predictor.meta, settings))
            for task in tasks
        ]  # every input checked before anything is written or submitted
        descriptions = [job_description(job, digest, spec.backend) for job in opened]
        if cluster.resume:
            for job, description in zip(opened, descriptions, strict=True):
                check_resume(job, description)  # a mismatch refuses before any part is touched
        started = time.perf_counter()
        try:
            with connect(cluster) as client:
                client.register_plugin(ModelPlugin(spec), name=spec.plugin_name)
                run.workers = len(client.scheduler_info()["workers"])
                run.startup_s = time.perf_counter() - started
                todo = []
                for job, description in zip(opened, descriptions, strict=True):
                    make_folder(job.task.out_dir)
                    remove_stale_partials([job.task.out_dir])
                    folder, blocks = prepare_parts(job, description, cluster.resume)
                    run.parts += len(job.blocks())
                    todo += [(job, folder, block) for block in blocks]
                if shuffle_seed is not None:
                    # an order of work, not a secret (Bandit's B311 is about secrets)
                    random.Random(shuffle_seed).shuffle(todo)  # nosec B311
                log.info(
                    "cluster of %d workers: %d of %d parts to compute (%s)",
                    run.workers, len(todo), run.parts, spec.backend,
                )  # fmt: skip
                _run_parts(client, distributed, todo, spec, predict_part, cluster, run, progress, cancel)
        finally:
            for job in opened:  # a stopped worker's partial files (this host's; others age out)
                remove_stale_partials([job.task.out_dir / f"{job.task.name}_parts" / key for key in job.keys])
        assembled = time.perf_counter()
        for index, job in enumerate(opened):
            files = {}
            folder = job.task.out_dir / f"{job.task.name}_parts"
            for key in job.keys:
                if cancel is not None:
                    cancel.check()
                vrt = write_vrt(job, folder, key)
                files[key] = vrt
                if cluster.cog:
                    files[f"{key}_cog"] = write_cog(job, vrt, key)
            run.outputs[job.task.name] = files
            if progress is not None:
                progress(0.9 + 0.1 * (index + 1) / len(opened), f"assembled {job.task.name}")
        run.assembly_s = time.perf_counter() - assembled
    return run


def _run_parts(client, distributed, todo, spec, predict_part, cluster, run, progress, cancel) -> None:
    """Submit the parts and wait for them, reporting each; cancel the rest on a cancel or a failure."""
    futures = {}
    for job, folder, block in todo:
        window = (int(block.col_off), int(block.row_off), int(block.width), int(block.height))
        future = client.submit(
            predict_part,
            spec.plugin_name,
            job.task,
            job.settings,
            str(folder),
            window,
            key=f"isage-part-{job.task.name}-{window[1]}-{window[0]}-{spec.digest[:8]}-{time.time_ns()}",
            retries=cluster.retries,
            pure=False,
        )
        futures[future] = (job, block)
    pending, total = set(futures), len(futures)
    submitted = time.perf_counter()
    try:
        while pending:
            if cancel is not None and cancel.cancelled:
                raise Cancelled(cancel.reason)
            try:
                done, pending = distributed.wait(pending, timeout=POLL_S, return_when="FIRST_COMPLETED")
            except (TimeoutError, distributed.TimeoutError):
                continue
            for future in done:
                part = _result(future, futures[future])
                run.parts_computed += 1
                run.compute_s += part.seconds
                run.part_workers[part.worker] = run.part_workers.get(part.worker, 0) + 1
                if progress is not None:
                    progress(
                        0.9 * run.parts_computed / total,
                        f"part {run.parts_computed}/{total} of {part.name} ({part.seconds:.1f} s)",
                    )
    except BaseException:
        client.cancel(list(pending))
        raise
    run.parts_s = time.perf_counter() - submitted


def _result(future, where):
    """The part's report; a task's own one-line error as it is, a worker that kept dying as one."""
    from distributed.scheduler import KilledWorker

    job, block = where
    try:
        return future.result()
    except KilledWorker as exc:
        raise IsageError(
            f"{job.task.frame}: the workers computing the part at row {int(block.row_off)}, column "
            f"{int(block.col_off)} died repeatedly ({exc}); check their memory and logs, then run again "
            "with --resume"
        ) from exc
