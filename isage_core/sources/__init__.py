"""Imagery sources of frames: local rasters, remote COGs, tile and map services (XYZ, WMTS, WMS) and
STAC items, read through GDAL; service imagery is materialised once into a local COG (stable pixels)."""
