"""Film facts: films, people with roles and characters, festivals and awards."""
