"""``isage serve``: the resident engine for programs (the QGIS plugin); see :mod:`isage_core.resident`."""

from __future__ import annotations

import argparse


def serve_cmd(args: argparse.Namespace) -> int:
    from ..resident.server import serve

    return serve(verbose=args.verbose)
