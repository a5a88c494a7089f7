"""Polarity: features, the two-tier model, its training and the pipeline stage."""
