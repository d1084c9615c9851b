"""The process boundary: finding the engine's Python, creating its environment, running
``isage --json`` in a worker process and reading its events, chaining runs into a pipeline."""
