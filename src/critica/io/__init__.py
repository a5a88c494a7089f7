"""Readers and writers for review files: txt, csv, jsonl, parquet and stdin."""

from critica.io.readers import InputRow, UnusableInput, read_reviews

__all__ = ["InputRow", "UnusableInput", "read_reviews"]
