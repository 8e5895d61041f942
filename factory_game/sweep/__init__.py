"""Sweeps: a level run over a grid of overrides x seeds, in parallel (a process pool, or a Dask cluster), with a
summary (means, 95 % confidence intervals, the cheapest configuration meeting a target) and a Pareto chart."""
