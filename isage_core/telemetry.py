"""No library of the engine reports home.

``import openvino`` loads its model converter, which starts Intel's telemetry client: unless the user ran
``opt_in_out --opt_out``, it writes a client id under ``~/intel`` and sends usage events to Google
Analytics from a background process (seen with openvino 2026.4 on ``isage info``). The engine promises
that nothing leaves the machine unasked, so importing :mod:`isage_core` hides the telemetry package:
OpenVINO then falls back to its built-in stub, which sends nothing.
"""

from __future__ import annotations

import sys

BLOCKED_MODULES = ("openvino_telemetry",)


def block_telemetry() -> None:
    """Make ``import`` of each telemetry package fail (ImportError) in this process, unless one is already
    loaded (then it was the host program's choice)."""
    for name in BLOCKED_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
