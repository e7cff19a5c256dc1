"""Kohtaamo's benchmarks: one command each (``python -m bench.<name>``), figures in bench/results/."""
