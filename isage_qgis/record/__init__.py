"""The click GeoPackage seen through QGIS: its classes and frames, reading it without the engine,
writing clicks and retractions in whole transactions."""
