"""The catalog: movies and series (seasons, episodes), genres, credits, browse and search."""
