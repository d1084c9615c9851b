"""iSAGE engine: iterative sparse annotation guided by an expert, for georeferenced imagery."""

__version__ = "0.1.0"
