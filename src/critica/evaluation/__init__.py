"""Metrics and plots for evaluating critica's models."""
