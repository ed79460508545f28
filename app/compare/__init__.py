"""Comparing experiments: parameters side by side, metric summaries per goal, series."""
