"""A raster's prediction cut into parts: whole blocks of the one-process path, one GeoTIFF per output each.

Parts lie on the block grid of the work window (``block_size`` pixels from its origin, the raster's
origin unless an extent or AOI narrows it), so they never depend on how many workers compute them.
Each part file is written under a temporary name and renamed into place (:mod:`isage_core.atomic`):
a part is finished exactly when a file of each output kind is there, and computing it again (a task
Dask runs twice, a retry) writes the same pixels. ``job.json`` records what the parts were made from,
so that ``--resume`` keeps them only for the same model, input and settings.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from ..atomic import kill_point, remove_stale_partials, write_bytes_atomic
from ..errors import IsageError
from ..geo import input_identity
from ..inference.predict import FramePrediction, FrameTask
from ..inference.rasterout import open_geotiff
from ..settings import PredictSettings

log = logging.getLogger(__name__)

JOB_FILE = "job.json"
JOB_FORMAT = 1


def parts_folder(task: FrameTask) -> Path:
    """Where the parts of a raster's outputs are kept: ``{name}_parts`` beside the outputs."""
    return task.out_dir / f"{task.name}_parts"


def part_path(folder: Path, key: str, block: Window) -> Path:
    """The part file of output ``key`` for the block at this (row, col) of the work window."""
    return folder / key / f"r{int(block.row_off):07d}_c{int(block.col_off):07d}.tif"


def part_done(folder: Path, keys: list[str], block: Window) -> bool:
    """Whether every output kind of a part is in place (each was renamed in whole)."""
    return all(part_path(folder, key, block).is_file() for key in keys)


def _identity(path: Path | None) -> str | None:
    if path is None:
        return None
    stat = Path(path).stat()
    return f"{Path(path).resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def job_description(job: FramePrediction, model_digest: str, backend: str) -> dict:
    """What the parts of this prediction depend on: model, input, settings and backend."""
    settings: PredictSettings = job.settings
    reference = job.task.reference or (Path(settings.reference) if settings.reference else None)
    return {
        "format": JOB_FORMAT,
        "model_sha256": model_digest,
        "input": input_identity(job.src),
        "frame": str(Path(job.task.frame).resolve()),
        "window": [int(job.window.col_off), int(job.window.row_off), job.width, job.height],
        "outputs": list(job.keys),
        "backend": backend,
        "tile_size": settings.tile_size,
        "overlap": settings.overlap,
        "block_size": settings.block_size,
        "aoi": _identity(Path(settings.aoi)) if settings.aoi else None,
        "reference": _identity(reference) if "error" in job.keys else None,
        "previous_classes": _identity(job.task.previous_classes) if "change" in job.keys else None,
        "allow_input_mismatch": settings.allow_input_mismatch,
    }


def job_key(description: dict) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:16]


def check_resume(job: FramePrediction, description: dict) -> bool:
    """Whether an earlier run of exactly this job left parts to keep; refuses (exit 2) another job's."""
    folder = parts_folder(job.task)
    recorded = folder / JOB_FILE
    if not recorded.is_file():
        return False
    try:
        earlier = json.loads(recorded.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IsageError(f"{recorded}: unreadable ({exc}); remove {folder} or drop --resume") from exc
    if earlier != description:
        changed = sorted(k for k in set(earlier) | set(description) if earlier.get(k) != description.get(k))
        raise IsageError(
            f"{folder}: its parts were made with another {', '.join(changed)}; drop --resume to "
            "predict again from the start, or give the model, input and settings of that run"
        )
    return True


def prepare_parts(job: FramePrediction, description: dict, resume: bool) -> tuple[Path, list[Window]]:
    """The parts folder and the blocks still to compute.

    ``resume`` keeps the finished parts of an earlier run of the same job (:func:`check_resume`);
    otherwise earlier parts are removed and every block is computed.
    """
    folder = parts_folder(job.task)
    blocks = job.blocks()
    if resume and check_resume(job, description):
        remove_stale_partials([folder / key for key in job.keys])
        todo = [block for block in blocks if not part_done(folder, job.keys, block)]
        log.info("%s: %d of %d parts finished earlier", job.task.name, len(blocks) - len(todo), len(blocks))
        return folder, todo
    if folder.exists():
        shutil.rmtree(folder)
    for key in job.keys:
        (folder / key).mkdir(parents=True)
    write_bytes_atomic(folder / JOB_FILE, (json.dumps(description, indent=1, sort_keys=True) + "\n").encode())
    return folder, blocks


def write_part(job: FramePrediction, folder: Path, block: Window) -> None:
    """Compute one block with :meth:`FramePrediction.predict_block` and write its part files."""
    arrays = job.predict_block(block)
    transform = window_transform(block, job.transform)
    for key, data in arrays.items():
        with open_geotiff(
            part_path(folder, key, block),
            width=int(block.width),
            height=int(block.height),
            crs=job.crs,
            transform=transform,
            kind="classes" if key == "classes" else "heatmap",
            classes=job.classes if key == "classes" else None,
            tags=job.tags,
            style=False,
        ) as out:
            out.write(data, Window(0, 0, int(block.width), int(block.height)))
    kill_point("cluster-after-part")
