"""The ``isage`` command line: the whole loop, for a person (progress bars) or a program (``--json``)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from ..cancel import CancelToken
from .app import build_parser, execute
from .reporters import HumanReporter, JsonLinesReporter, Reporter, ReporterLogHandler
from .serve import serve_cmd


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 2 user error, 130 cancelled, 1 failure)."""
    # Before torch loads: OpenMP threads that spin while idle halve throughput on small shared machines.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve_cmd(args)
    reporter: Reporter = JsonLinesReporter() if args.json else HumanReporter()
    handler = ReporterLogHandler(reporter, logging.DEBUG if args.verbose else logging.INFO)
    root = logging.getLogger("isage_core")
    root.addHandler(handler)
    root.setLevel(handler.level)
    try:
        return execute(args, reporter, CancelToken())
    finally:
        root.removeHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
