"""Result layers: class rasters with the class colours and names, heatmaps with colour ramps,
grouped per iteration."""
