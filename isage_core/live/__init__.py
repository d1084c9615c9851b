"""Live training: the model of the current iteration learns while the person clicks."""
