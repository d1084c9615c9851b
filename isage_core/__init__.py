"""iSAGE engine."""
