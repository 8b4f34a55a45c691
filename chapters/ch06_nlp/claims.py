"""The course's claims that chapter 6's lessons measure, each with the rule that judges it
from their ``results.json`` (``paddle_course.report.claims``); the report gathers every
chapter's ``CLAIMS``. Seeds are named by number: 000 syllabus and MNIST notes, 001 FAQ (Q1-Q20),
002 training pipeline article, 003 optimizer and initializer lesson, 004 tuning guide.
A claim that lessons of two chapters measure lives with the later one (here, with
ch04_vision)."""

from paddle_course.report.claims import Claim, verdict


def rule_35(w2v):
    ours = w2v["comparison"]["ours (Paddle, Adam)"]["WordSim-353"]
    gensim = w2v["comparison"]["gensim Word2Vec (SGD), mean"]["WordSim-353"]
    return (
        verdict(ours > 0.3, partly=ours > 0.1),
        {"WordSim-353 Spearman, ours": ours, "gensim": gensim},
    )


def rule_38(vit, sentiment):
    same = vit["attention_max_abs_diff"] < 1e-4
    above = sentiment["transformer"]["val_acc"] > sentiment["majority class"]["val_acc"]
    return (
        verdict(same and above, partly=same or above),
        {
            "our attention vs Paddle's": vit["attention_max_abs_diff"],
            "Transformer on reviews, val_acc": sentiment["transformer"]["val_acc"],
            "majority class": sentiment["majority class"]["val_acc"],
        },
    )


CLAIMS = [
    Claim(
        35,
        "similar words end up close in the embedding space (nearest neighbours by cosine)",
        "course NLP chapter",
        ("ch06_nlp.word2vec",),
        rule_35,
        "the WordSim-353 Spearman correlation of our vectors > 0.3 (partly: > 0.1)",
    ),
    Claim(
        38,
        "the Transformer is a module with global context that came from NLP",
        "001 Q20",
        ("ch04_vision.vit", "ch06_nlp.sentiment"),
        rule_38,
        "our attention equals Paddle's (< 1e-4) and the Transformer beats the "
        "majority class on the reviews",
    ),
]
