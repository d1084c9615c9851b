"""`isage predict` on a Dask cluster: its options and the command's cluster path."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..settings import ClusterSettings, PredictSettings
from .reporters import Reporter


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("cluster (Dask; the cluster extra)")
    g.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    g.add_argument("--scheduler-file", help="the JSON file `dask scheduler --scheduler-file` wrote")
    g.add_argument("--local-workers", type=int, default=0, help="start a local cluster of N worker processes")
    g.add_argument("--threads-per-worker", type=int, default=1, help="with --local-workers: parts at once")
    g.add_argument("--resume", action="store_true", help="keep the parts an identical earlier run finished")
    g.add_argument(
        "--cog", action="store_true", help="also assemble each output into a Cloud-Optimized GeoTIFF"
    )
    g.add_argument("--retries", type=int, default=2, help="times a failed part is tried again")
    g.add_argument("--connect-timeout", type=float, default=30.0, help="seconds to wait for the scheduler")
    g.add_argument(
        "--dashboard-address", default="127.0.0.1:0",
        help="with --local-workers: where the Dask dashboard listens (default: loopback, any free port; "
        "'none': no dashboard)",
    )  # fmt: skip
    g.add_argument("--tls-ca-file", help="a tls:// scheduler: the CA certificate that signed its certificate")
    g.add_argument("--tls-cert", help="a tls:// scheduler: this client's certificate (PEM)")
    g.add_argument("--tls-key", help="a tls:// scheduler: this client's private key (PEM)")


def cluster_settings(a: argparse.Namespace) -> ClusterSettings:
    given = [name for name in ("scheduler", "scheduler_file") if getattr(a, name)]
    if len(given) + bool(a.local_workers) > 1:
        raise IsageError("give one of --scheduler, --scheduler-file and --local-workers")
    if a.local_workers < 0 or a.threads_per_worker < 1 or a.retries < 0:
        raise IsageError("--local-workers and --retries must be at least 0, --threads-per-worker at least 1")
    settings = ClusterSettings(
        scheduler=a.scheduler,
        scheduler_file=a.scheduler_file,
        local_workers=a.local_workers,
        threads_per_worker=a.threads_per_worker,
        resume=a.resume,
        cog=a.cog,
        retries=a.retries,
        connect_timeout_s=a.connect_timeout,
        dashboard_address=None if str(a.dashboard_address).lower() == "none" else a.dashboard_address,
        tls_ca_file=a.tls_ca_file,
        tls_cert=a.tls_cert,
        tls_key=a.tls_key,
    )
    if not settings.wanted and (a.resume or a.cog):
        raise IsageError("--resume and --cog belong to a cluster run: add --local-workers N or --scheduler")
    return settings


def predict_on_cluster_cmd(
    a, settings: PredictSettings, cluster: ClusterSettings, reporter: Reporter, cancel: CancelToken
) -> None:
    """Rasters (``--raster``, repeatable), a VRT mosaic or a workspace's frames, predicted on the cluster."""
    from ..cluster.run import predict_on_cluster
    from ..inference.predict import FrameTask

    if a.raster:
        if not a.model or not a.out:
            raise IsageError("predict --raster: give --model and --out as well")
        reference = Path(a.reference) if a.reference else None
        if reference and len(a.raster) > 1:
            raise IsageError("--reference belongs to one raster: predict the rasters one at a time")
        tasks = [FrameTask(Path(r), Path(r).stem, Path(a.out), None, reference) for r in a.raster]
        model, ws = Path(a.model), None
    else:
        from ..loop.predict import resolve_model, workspace_tasks
        from ..model.checkpoint import read_meta
        from ..record.workspace import Workspace

        if not a.workspace:
            raise IsageError("predict: give a workspace, or --raster with --model and --out")
        ws = Workspace.open(a.workspace)
        model = resolve_model(ws, a.model)
        iteration = read_meta(model).iteration
        tasks = workspace_tasks(ws, settings, iteration, a.frame, a.out)
    run = predict_on_cluster(tasks, model, settings, cluster, progress=reporter.progress, cancel=cancel)
    outputs = {}
    for name, files in run.outputs.items():
        for kind, path in files.items():
            if kind.endswith("_cog"):
                outputs[f"{name}_{kind[: -len('_cog')]}"] = path.resolve()  # the COG is the main output
                outputs[f"{name}_{kind[: -len('_cog')]}_vrt"] = files[kind[: -len("_cog")]].resolve()
            elif f"{kind}_cog" not in files:
                outputs[f"{name}_{kind}"] = path.resolve()
    if ws is None:
        reporter.result(outputs=outputs, **run.describe())
        return
    from ..loop.predict import mosaic_outputs

    reporter.result(**mosaic_outputs(ws, iteration, a.out, outputs), **run.describe())
