"""Layers of the project: result layers (class rasters with the class colours and names, heatmaps with
colour ramps, grouped per iteration), the live preview, the assessment's, and imagery service layers (XYZ,
WMTS, WMS) read as sources of frames."""
