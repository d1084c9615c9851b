"""Learning from labels: patch samplers around clicks or over label maps, the losses (Error-Weighted
Dice Loss), the optimiser and its schedule. Knows the record's click type, never the workspace."""
