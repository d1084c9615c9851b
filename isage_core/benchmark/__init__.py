"""A simulated-expert benchmark of the iSAGE protocol: pickers, the runner and its report."""
