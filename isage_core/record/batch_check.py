"""Checking a batch of clicks before any is written: what :meth:`ClickRecord.add_clicks` refuses."""

from __future__ import annotations

from contextlib import ExitStack

from rasterio.windows import Window

from .. import geo
from .schema import ClickRequest


class BatchCheck:
    """What a batch of clicks is checked against: the classes, the frames, the pixels unretracted clicks
    hold, and the (frame, class) pairs that used this iteration's budget; it grows as requests pass."""

    def __init__(
        self, classes, frames, clicks, iteration: int, enforce_budget: bool, rasters: ExitStack, sample=()
    ):
        self.classes, self.frames, self.rasters = classes, frames, rasters
        self.sample = set(sample)  # (frame, row, col) of the accuracy assessment's sample points
        self.enforce_budget = enforce_budget
        self.taken = {(c.frame, c.row, c.col): c.class_id for c in reversed(clicks)}
        self.used = {(c.frame, c.class_id) for c in clicks if c.iteration == iteration}
        self.sources: dict[str, object] = {}

    def accept(self, request: ClickRequest) -> None:
        self.taken[(request.frame, request.row, request.col)] = request.class_id
        self.used.add((request.frame, request.class_id))

    def refusal(self, request: ClickRequest) -> str:
        """Why ``request`` cannot be added; "" when it can. The reason starts with its kind and a colon."""
        if request.refusal:
            return request.refusal
        if request.class_id not in self.classes:
            return f"unknown class: {request.class_id!r} is not a class of the record"
        frame = self.frames.get(request.frame)
        if frame is None:
            return f"unknown frame: no frame named '{request.frame}'"
        where = f"pixel ({request.row}, {request.col}) of frame '{frame.name}'"
        if not (0 <= request.row < frame.info.height and 0 <= request.col < frame.info.width):
            return f"outside: {where} is outside the frame"
        if frame.exists:
            if frame.name not in self.sources:
                self.sources[frame.name] = self.rasters.enter_context(geo.open_raster(frame.path))
            if not geo.valid_mask(self.sources[frame.name], Window(request.col, request.row, 1, 1))[0, 0]:
                return f"nodata: {where} is nodata"
        if (request.frame, request.row, request.col) in self.sample:
            return (
                f"assessment sample: {where} is a point of the accuracy assessment sample (kept off training)"
            )
        there = self.taken.get((request.frame, request.row, request.col))
        if there == request.class_id:
            return f"duplicate: {where} already has a click of class {there}"
        if there is not None:
            return f"conflict: {where} already has a click of class {there}"
        if self.enforce_budget and (request.frame, request.class_id) in self.used:
            return (
                f"budget: frame '{frame.name}' already has a click of class {request.class_id} this iteration"
            )
        return ""
