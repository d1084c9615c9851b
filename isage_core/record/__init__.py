"""The click record: the workspace GeoPackage (clicks, classes, frames, runs), its schema and audit
triggers, merging colleagues' records, importing clicks, and the workspace folder around it."""
