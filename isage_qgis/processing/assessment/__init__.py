"""The accuracy assessment's algorithms (its own folder: the processing folder holds 15 modules already)."""
