"""The simulated expert and what runs it: the benchmark of click strategies against baselines
(pickers, methods, runner, report), the demo session, and the bundled sample they use."""
