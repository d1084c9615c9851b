"""The session's frames: adding rasters and areas fetched from a map service, and re-linking missing frames.
A part of :class:`~isage_qgis.panel.session.IsageSession`, kept apart for its size."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..layers import results as layers
from ..layers.service_source import ServiceFrame, ServiceSourceError, service_environment, service_of
from ..record.view import RecordError
from ..translation import tr
from . import model as dm


class FramesMixin:
    """What :class:`IsageSession` does with the record's frames."""

    def add_frames(self, paths: Sequence[str]) -> bool:
        """Add frame rasters to the record (``isage frames add``); rasters already in it are skipped."""
        if not self._require_record() or self._refused_to_non_admin(tr("Frames")):
            return False
        wanted = self._new_frame_files(paths)
        if not wanted:
            return False
        steps = dm.add_frames_steps(self.workspace, wanted)
        return self.run_steps(steps, lambda results: self._reopen_click_layer(), tr("add frames"))

    def _new_frame_files(self, paths: Sequence[str], quiet: bool = False) -> list[str] | None:
        """The rasters of ``paths`` not yet frames of the record ([] when none: said unless ``quiet``);
        None (and why, said) when one is not a file."""
        known = {str(Path(f.path).resolve()) for f in self.snapshot.frames}
        wanted = [str(p) for p in paths if dm.is_remote(str(p)) or str(Path(p).resolve()) not in known]
        if not wanted and not quiet:
            self._say("info", tr("Frames"), tr("these rasters are frames of the record already"))
        missing = [p for p in wanted if not dm.is_remote(p) and not Path(p).is_file()]
        if missing:
            text = tr("{path}: not a raster file on disk; save the layer to a GeoTIFF").format(
                path=missing[0]
            )
            self._say("critical", tr("Frames"), text)
            return None
        return wanted

    def add_service_frames(
        self, layer_id: str, frames: Sequence[ServiceFrame], files: Sequence[str] = ()
    ) -> bool:
        """Fetch ``frames`` (areas at a zoom or resolution) from the project's XYZ, WMTS or WMS layer
        ``layer_id`` into the workspace, one ``frames add`` each (and add the raster ``files`` first). The
        layer's credentials reach those engine processes as environment variables only."""
        if not self._require_record():
            return False
        layer = self.project.mapLayer(layer_id)
        if layer is None:
            self._say("critical", tr("Frames"), tr("the service layer is no longer in the project"))
            return False
        if not frames:
            self._say("warning", tr("Frames"), tr("no area to fetch: choose an extent or polygon features"))
            return False
        wanted = self._new_frame_files(files, quiet=True)
        if wanted is None:
            return False
        try:
            service = service_of(layer)
            env = service_environment(layer, service)
        except ServiceSourceError as exc:
            self._say("critical", tr("Frames"), str(exc))
            return False
        steps = dm.add_frames_steps(self.workspace, wanted) if wanted else []
        steps += dm.service_frames_steps(self.workspace, service, frames, env)
        if not self.run_steps(steps, self._frames_added, tr("add frames")):
            return False
        self.pipeline.stepFinished.connect(self._show_fetched_frames)  # also those before a cancel
        return True

    def _show_fetched_frames(self, label: str, event: dict) -> None:
        """Show the frames one step downloaded from a service as layers, to click on them."""
        fetched = list(event.get("fetched") or {})
        if not fetched or self.record is None:
            return
        try:
            snapshot = self._read()
        except RecordError as exc:
            self._say("critical", tr("Click record"), str(exc))
            return
        for name in fetched:
            frame = snapshot.frame(name)
            if frame is not None:
                layers.add_frame_layer(self.project, frame.path, name)

    def _frames_added(self, results: list) -> None:
        """After frames were downloaded from a service: the clicks layer on top again, and what came."""
        fetched = {k: v for _, event in results for k, v in (event.get("fetched") or {}).items()}
        self._reopen_click_layer()
        if fetched:
            megabytes = sum(float(v.get("downloaded_mb") or 0) for v in fetched.values())
            text = tr("%n frame(s) downloaded into the workspace: {names} ({megabytes} MB)", len(fetched))
            self._say(
                "success", tr("Frames"), text.format(names=", ".join(fetched), megabytes=f"{megabytes:.1f}")
            )

    def relink_frames(self, folders: Sequence[str]) -> bool:
        """Re-link missing frames to same-fingerprint rasters under ``folders`` (``frames find``)."""
        steps = dm.relink_steps(self.workspace, [str(f) for f in folders])
        return bool(folders) and self._require_record() and self.run_steps(steps, self._relinked, "re-link")

    def relink_frame(self, name: str, path: str) -> bool:
        """Point frame ``name`` at ``path``, which must hold the same raster (``frames relink``)."""
        steps = dm.relink_frame_steps(self.workspace, name, str(path))
        return self._require_record() and self.run_steps(steps, self._relinked, f"re-link {name}")

    def _relinked(self, results: list) -> None:
        level, text = dm.relink_message(results[-1][1], self.state.missing_frames)
        self._say(level, tr("Frames"), text)
