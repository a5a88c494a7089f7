"""Film aspects: what the reviewer praises or attacks."""
