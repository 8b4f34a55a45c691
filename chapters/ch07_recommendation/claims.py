"""The course's claims that chapter 7's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide."""

from paddle_course.report.claims import Claim, verdict


def rule_37(towers, recommend):
    mse = towers["course_test_mse"]["warm"]
    shares = recommend["genre_overlap"]["neighbours, sharing a genre with movie 1"]
    sensible = shares["share"] > shares["random movies"]
    return (
        verdict(mse < 1 and sensible, partly=mse < 1 or sensible),
        {
            "course model, test MSE": mse,
            "neighbours sharing a genre": shares["share"],
            "random movies sharing one": shares["random movies"],
        },
    )


CLAIMS = [
    Claim(
        37,
        "the two-tower model's rating loss stays below 1 and recommends sensible movies",
        "course recommendation chapter",
        ("ch07_recommendation.two_tower", "ch07_recommendation.recommend"),
        rule_37,
        "the course model's test MSE < 1, and a movie's neighbours share its "
        "genre more often than random movies",
    ),
]
