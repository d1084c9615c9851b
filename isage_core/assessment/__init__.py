"""Accuracy assessment of the map: sampling designs, estimators with confidence intervals, reports."""
