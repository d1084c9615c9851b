"""Where to click next: from the latest model and the frames alone, the pixels a click would help most.

``features.py`` runs the network over a frame block by block on the prediction's tile grid and keeps a
bounded sample of its encoder features; ``select.py`` scores the candidates (typical, uncertain,
changed) and picks them; ``store.py`` writes and reads ``proposals.gpkg``; ``run.py`` does it for a
workspace. Proposals are never clicks: the click record is only read.
"""
