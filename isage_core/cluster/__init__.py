"""Prediction on a Dask cluster: parts of the one-process path, computed by workers, assembled."""
