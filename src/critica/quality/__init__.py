"""Machine-translation quality: untranslated fragments, calques, garbled words, an MT score."""
