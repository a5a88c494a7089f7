"""Batch runs over many reviews: streaming, multi-process, resumable; the Dask engine."""
