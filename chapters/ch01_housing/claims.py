"""The course's claims that chapter 1's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide."""

from paddle_course.report.claims import Claim, verdict


def rule_4(reg):
    own, train = reg["test_rmse"]["own_stats"], reg["test_rmse"]["train_stats"]
    return verdict(train < own), {
        "test RMSE, training statistics": train,
        "test RMSE, the test set's own": own,
    }


CLAIMS = [
    Claim(
        4,
        "normalize test data with training statistics",
        "001 Q1",
        ("ch01_housing.paddle_regressor",),
        rule_4,
        "the test RMSE is lower when the test set is scaled with the training statistics",
    ),
]
