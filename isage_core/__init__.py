"""iSAGE engine: iterative sparse annotation guided by an expert, for georeferenced imagery."""

from .telemetry import block_telemetry

__version__ = "0.1.0"

block_telemetry()
