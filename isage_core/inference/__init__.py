"""Prediction and what reads or writes its rasters: tiled, blended prediction of any raster, the
GeoTIFF outputs and heatmaps, evaluation against a reference, vectorising. Never reads the record."""
