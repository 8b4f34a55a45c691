"""Chapter 7: recommendation on MovieLens: the data, the two-tower model, recommending,
baselines."""

# the lessons in the course's order (the report shows them so)
LESSONS = ("movielens", "train", "recommend", "two_tower")
