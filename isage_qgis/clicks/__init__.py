"""Clicking on the map: the map tool, what a click does (add, retract, undo), the click layer and
its style."""
