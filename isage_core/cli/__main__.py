"""``python -m isage_core.cli``: the engine's command line (what the QGIS plugin runs)."""

from .main import main

raise SystemExit(main())
