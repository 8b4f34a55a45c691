"""Chapter 7's library: MovieLens readers and splits, rating models, ranking quality."""
