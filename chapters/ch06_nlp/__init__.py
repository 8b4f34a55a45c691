"""Chapter 6: NLP: word2vec skip-gram embeddings, then sentiment classification of reviews."""

# the lessons in the course's order (the report shows them so)
LESSONS = ("word2vec", "sentiment")
