"""The resident engine (``isage serve``): one process for a program's commands and live training."""
