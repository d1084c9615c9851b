"""``isage serve``, the resident engine: one process that runs a program's commands one after another, and
trains live.

The QGIS plugin starts ``isage serve`` once per session instead of one process per command, so a press
pays neither the process start nor the imports of torch, rasterio and the network code again. The
protocol is JSON lines both ways.

Requests, one object per line on stdin:

- ``{"id": "7", "run": ["train", WS, "--device", "auto"]}``: run an ``isage`` command (the arguments
  after ``isage --json``). Its events are the command's usual JSON-lines events with ``"id": "7"``
  added, then ``{"event": "done", "id": "7", "status": EXIT_STATUS}``. Commands run one at a time, in
  the order received.
- ``{"cancel": "7"}``: cancel run 7 (it stops at its next check and discards its outputs, as on SIGTERM).
- ``{"live": {"workspace": WS, "args": [train options], "preview_every_s": 5}}``: train WS's current
  iteration in the background (:mod:`isage_core.live.trainer`) until ``{"live": null}``; with
  ``preview_every_s``, a preview of the map around the newest click at most that often (a live event
  with ``preview``: the GeoTIFF's path, and ``frame``). A ``train`` run of that
  workspace with the same options then closes the live round instead of training from the start.
  Status events ``{"event": "live", "state": ...}`` carry no id.
- ``{"status": true}``: a live status event now (``state`` ``off`` when nothing trains live).

End of input stops the server (a live round is discarded; nothing of it was written). Background work
pauses while a run goes on, so runs take the whole machine.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import queue
import sys
import threading
import time
from contextlib import nullcontext, redirect_stderr, suppress
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import utc_now
from .reporters import JsonLinesReporter, _jsonable

log = logging.getLogger(__name__)


class _Output:
    """Whole JSON lines on one stream from several threads."""

    def __init__(self, stream: TextIO):
        self.stream, self.lock = stream, threading.Lock()

    def write(self, event: dict[str, Any]) -> None:
        line = json.dumps({"time": utc_now(), **_jsonable(event)}) + "\n"
        with self.lock:
            self.stream.write(line)
            self.stream.flush()


class _RunReporter(JsonLinesReporter):
    """A command's events, tagged with its request id."""

    def __init__(self, output: _Output, request_id: str):
        super().__init__(stream=None)
        self.output, self.request_id = output, request_id

    def _emit(self, event: str, **payload: Any) -> None:
        self.output.write({"event": event, "id": self.request_id, **payload})


class _LogRouter(logging.Handler):
    """Log records of the running command's thread go to its reporter; others (live training) untagged."""

    def __init__(self, output: _Output, level: int):
        super().__init__(level)
        self.output = output
        self.reporter: _RunReporter | None = None
        self.run_thread = threading.main_thread().ident

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level, message = record.levelname.lower(), record.getMessage()
            if self.reporter is not None and record.thread == self.run_thread:
                self.reporter.log(message, level)
            else:
                self.output.write({"event": "log", "level": level, "message": message})
        except Exception:  # a broken pipe must not take the engine down
            self.handleError(record)


class Server:
    """Reads requests from ``stdin`` and answers on ``stdout``; see the module docstring."""

    def __init__(self, stdin: TextIO, stdout: TextIO, verbose: bool = False):
        self.stdin = stdin
        self.output = _Output(stdout)
        self.router = _LogRouter(self.output, logging.DEBUG if verbose else logging.INFO)
        self.requests: queue.Queue = queue.Queue()
        self.tokens: dict[str, CancelToken] = {}
        self.live = None

    def serve(self) -> int:
        root = logging.getLogger("isage_core")
        root.addHandler(self.router)
        root.setLevel(self.router.level)
        reader = threading.Thread(target=self._read, name="isage-requests", daemon=True)
        reader.start()
        self.output.write({"event": "ready", "pid": os.getpid()})
        try:
            if self.requests.empty():
                _warm_up()
            while (request := self.requests.get()) is not None:
                self._handle(request)
        finally:
            self._stop_live()
            root.removeHandler(self.router)
        return 0

    # ---- requests ----------------------------------------------------------------------------------
    def _read(self) -> None:
        for line in self.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                self.output.write({"event": "log", "level": "error", "message": f"bad request ({exc})"})
                continue
            if "cancel" in request:  # at once, while the run it names goes on in the main thread
                token = self.tokens.get(str(request["cancel"]))
                if token is not None:
                    token.cancel("cancelled by the user")
                continue
            self.requests.put(request)
        self.requests.put(None)

    def _handle(self, request: dict) -> None:
        if "run" in request:
            self._run(str(request.get("id", "")), [str(a) for a in request["run"]])
        elif "live" in request:
            self._set_live(request["live"])
        elif "status" in request:
            off = {"event": "live", "state": "off"}
            self.output.write(self.live.status() if self.live is not None else off)
        else:
            self.output.write({"event": "log", "level": "error", "message": f"unknown request {request}"})

    def _run(self, request_id: str, argv: list[str]) -> None:
        from .app import EXIT_USER_ERROR, build_parser, execute

        reporter = _RunReporter(self.output, request_id)
        try:
            args = _parse(build_parser(), argv)
        except IsageError as exc:
            reporter.error(str(exc))
            self.output.write({"event": "done", "id": request_id, "status": EXIT_USER_ERROR})
            return
        token = self.tokens[request_id] = CancelToken()
        live = self.live if self.live is not None and self.live.alive() else None
        if live is not None and _closes_live_round(args, live):
            args.handler = partial(_close_live_round, trainer=live)
        self.router.reporter = reporter
        began = time.monotonic()
        try:
            with live.paused() if live is not None else nullcontext():
                waited = {"live_pause_s": round(time.monotonic() - began, 3)} if live is not None else {}
                status = execute(args, reporter, token, waited)
        finally:
            self.router.reporter = None
            self.tokens.pop(request_id, None)
        self.output.write({"event": "done", "id": request_id, "status": status})

    # ---- live training -----------------------------------------------------------------------------
    def _set_live(self, spec: dict | None) -> None:
        from ..live.trainer import LiveTrainer
        from .app import build_parser
        from .options import model_settings, train_settings

        self._stop_live()
        if not spec:
            self.output.write({"event": "live", "state": "off"})
            return
        try:
            args = _parse(build_parser(), ["train", str(spec["workspace"]), *map(str, spec.get("args", []))])
            settings = model_settings(args), train_settings(args)
            if settings[1].step_schedule != "converge":
                why = "live training follows the clicks until they fit: it takes no --steps or --epochs"
                self.output.write({"event": "live", "state": "off", "message": why})
                return
            preview = spec.get("preview_every_s")
            preview = float(preview) if preview is not None else None
            trainer = LiveTrainer(args.workspace, *settings, self.output.write, preview_every_s=preview)
        except (IsageError, KeyError) as exc:
            self.output.write({"event": "live", "state": "failed", "message": str(exc)})
            return
        self.live = trainer
        trainer.start()

    def _stop_live(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


# what a press needs, imported while the person clicks: 1.1-2.5 s of a fresh engine's first command
WARM_MODULES = (
    "isage_core.cli.app",
    "torch",
    "isage_core.loop.train",
    "isage_core.loop.predict",
    "isage_core.proposals.run",
    "isage_core.inference.openvino_backend",
)
OPTIONAL_WARM_MODULES = ("openvino", "onnxruntime")  # the prediction backends, where installed


def _warm_up() -> None:
    """Import the modules of training, prediction and proposals, and the network library, so the first
    command after the engine starts pays no imports. Runs in the main thread before the first request:
    one that arrives meanwhile waits at most for the imports it would have paid itself."""
    import importlib

    began = time.monotonic()
    try:
        for name in WARM_MODULES:
            importlib.import_module(name)
        from ..model.network import import_network_library

        import_network_library()
    except Exception as exc:  # a broken install shows in the command that needs it, with its own message
        log.debug("warm-up stopped: %s", exc)
        return
    for name in OPTIONAL_WARM_MODULES:
        with suppress(ImportError):
            importlib.import_module(name)
    log.debug("warm-up imports took %.2f s", time.monotonic() - began)


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse like the CLI, but a usage error is an :class:`IsageError`, not an exit."""
    said = io.StringIO()
    try:
        with redirect_stderr(said):
            args = parser.parse_args(["--json", *argv])
    except SystemExit as exc:
        why = said.getvalue().strip().splitlines()[-1:] or ["?"]
        raise IsageError(f"bad arguments for the engine ({' '.join(argv)}): {why[0]}") from exc
    if args.command == "serve":
        raise IsageError("the resident engine does not start another")
    return args


def _closes_live_round(args: argparse.Namespace, trainer) -> bool:
    """A ``train`` run of the live workspace with the live options: the press that closes the round."""
    from .options import model_settings, train_settings

    if args.command != "train":
        return False
    try:
        folder = Path(args.workspace).resolve()
        folder = folder.parent if folder.is_file() else folder
    except OSError:
        return False
    same = (model_settings(args), train_settings(args)) == (trainer.model_settings, trainer.train_settings)
    return folder == trainer.folder and same


def _close_live_round(args, reporter, cancel: CancelToken, trainer) -> None:
    from .commands import report_train_result

    report_train_result(reporter, trainer.close(progress=reporter.progress, cancel=cancel))


def serve(stdin: TextIO | None = None, stdout: TextIO | None = None, verbose: bool = False) -> int:
    """Serve requests until the end of ``stdin``; the exit status."""
    return Server(stdin or sys.stdin, stdout or sys.stdout, verbose).serve()


def serve_cmd(args: argparse.Namespace) -> int:
    """``isage serve``: the resident engine on this process's stdin and stdout."""
    return serve(verbose=args.verbose)
