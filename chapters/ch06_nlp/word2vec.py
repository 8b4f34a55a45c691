"""word2vec (skip-gram, negative sampling) trained through the engine, judged against gensim.

    python -m chapters.ch06_nlp.word2vec                          # gensim's test corpus (below)
    python -m chapters.ch06_nlp.word2vec --data text8 --corpus-rate 0.2     # the course's run
    python -m chapters.ch06_nlp.word2vec --data english           # 7.6 M words, two data packs
    python -m chapters.ch06_nlp.word2vec --negatives-from uniform # the course's negative draw
    python -m chapters.ch06_nlp.word2vec --quick                  # seconds: a smoke test

The course's network and settings: two embedding tables of 200, a dot product, sigmoid cross
entropy, Adam at 0.001, a random window of 1 to 3 words, 4 negatives per pair. What it gets
wrong, and what this does instead: it builds every (center, context, label) triple of the corpus
into one Python list (its memory per corpus word is measured and printed here), where we make each
batch from the word-id array when the engine asks for it, seeded by (seed, epoch, batch) so that
``--resume`` continues exactly; it draws negatives uniformly, where word2vec draws them from the
unigram distribution to the power 0.75 (``--negatives-from uniform`` is the course's, to compare);
it keeps every word, where ``--min-count 5`` (word2vec's default) drops the rare ones; its
subsampling uses the paper's sqrt(t / f), this word2vec.c's and gensim's formula (``--sample``).
And it judges the vectors by eye (neighbours of "movie", "one", "chip"), where this measures them:
Spearman's correlation with human judgements on WordSim-353 and SimLex-999, and the analogy
questions, beside gensim's ``Word2Vec`` trained on the same text with the same settings.

Without ``--data``: the English text gensim ships in its test data (Wikipedia articles and news,
575,000 words, 3 % of text8), cleaned as text8 was; 5 % of it is held out as validation text (the
skip-gram loss there chooses the best epoch).
"""

import numpy as np
import paddle.nn.functional as F

from paddle_course.lesson import Number, count, job
from paddle_course.lesson.job import cli
from paddle_course.lesson.results import write_tables
from paddle_course.lesson.task import Task
from paddle_course.runtime.distributed import rank_and_size
from paddle_course.text.corpus import load_corpus
from paddle_course.text.gensim_reference import gensim_word2vec, memory_comparison
from paddle_course.text.skipgram import SkipGram
from paddle_course.text.skipgram_batches import Word2VecData
from paddle_course.text.word_vectors import WordVectors, evaluate_vectors
from tools.plot import plot_bars

DEFAULTS = dict(
    data=None,
    corpus_rate=1.0,
    min_count=5,
    window=3,
    negatives=4,
    negatives_from="unigram",
    sample=1e-3,
    embedding_size=200,
    epochs=5,
    batch_size=1024,
    lr=0.001,
    optimizer="adam",
    seed=0,
    output_dir="outputs/ch06_nlp/word2vec",
    device="auto",
    num_workers=0,
    nprocs=1,
    quick=False,
    no_visualdl=False,
    gensim_seeds=3,
    probes="movie,one,chip",
)
QUICK = dict(corpus_rate=0.05, embedding_size=16, epochs=1, gensim_seeds=1)
OURS, GENSIM, RANGE = (
    "ours (Paddle, Adam)",
    "gensim Word2Vec (SGD), mean",
    "gensim: range over seeds",
)
TEXT8_WORDS = 17_005_207
PROBE_MIN_COUNT = 50  # a word seen fewer times has no meaningful neighbours


def add_arguments(p):
    p.add_argument(
        "--corpus-rate",
        type=Number(float, 0.0, 1.0, above=True),
        metavar="R",
        help="train on the first R of the text (the course's corpus_rate; 0.2 for "
        "text8) (default 1.0)",
    )
    p.add_argument("--min-count", type=count(), help="drop words seen fewer times (default 5)")
    p.add_argument(
        "--window", type=count(100), help="the largest window; each center draws 1..N (default 3)"
    )
    p.add_argument(
        "--negatives", type=count(100), help="negatives per (center, context) pair (default 4)"
    )
    p.add_argument(
        "--negatives-from",
        choices=("unigram", "uniform"),
        help="unigram^0.75 (word2vec) or uniform (the course) (default unigram)",
    )
    p.add_argument(
        "--sample",
        type=Number(float, 0.0, 1.0),
        help="subsampling threshold; 0: off (default 1e-3)",
    )
    p.add_argument("--embedding-size", type=count(4096), help="vector dimension (default 200)")
    p.add_argument(
        "--gensim-seeds",
        type=count(100, low=0),
        metavar="N",
        help="train gensim's Word2Vec N times (seeds 0..N-1) for its mean and spread; "
        "0: skip it (default 3)",
    )
    p.add_argument(
        "--probes",
        metavar="W,W,...",
        help="words whose nearest neighbours are printed (default movie,one,chip)",
    )


def load_data(config):
    say = print if rank_and_size()[0] == 0 else (lambda *a: None)  # one line, not one per rank
    corpus = load_corpus(config["data"], config["corpus_rate"], config["min_count"], say=say)
    return Word2VecData(corpus, config)


def finish(ctx):
    """Our vectors (best epoch) and gensim's side by side, neighbours of the probe words, the
    memory of our batches against the course's triples, and the vectors to VisualDL."""
    if not ctx.place.is_main:
        return {}
    config, corpus = ctx.config, ctx.data.corpus
    ours = WordVectors(corpus.vocabulary, ctx.model.vectors())
    scores = evaluate_vectors(ours)
    rows = {OURS: dict(flatten(scores), seconds=sum(h["seconds"] for h in ctx.history))}
    gensim_runs = [gensim_word2vec(corpus, config, seed) for seed in range(config["gensim_seeds"])]
    gensim_runs = [dict(flatten(evaluate_vectors(v)), seconds=s) for v, s in gensim_runs]
    if gensim_runs:
        rows[GENSIM] = {k: float(np.mean([r[k] for r in gensim_runs])) for k in gensim_runs[0]}
        rows[RANGE] = {k: float(np.ptp([r[k] for r in gensim_runs])) for k in gensim_runs[0]}
    columns = ["WordSim-353", "SimLex-999", "analogies", "seconds"]
    print(
        f"\nvectors of the best epoch ({ctx.metrics['val']['epoch']}) against gensim "
        f"({len(gensim_runs)} seeds), same text and settings (Spearman with human scores; "
        f"analogy accuracy):"
    )
    print(table(rows, columns))
    coverage = {k: v["covered"] for k, v in scores.items()}
    print(
        "covered (pairs / questions whose words are all in the vocabulary): "
        + ", ".join(f"{k} {v}" for k, v in coverage.items())
    )

    neighbours = probe_neighbours(ours, corpus, config["probes"])
    memory = memory_comparison(
        ctx.data.train.loader(config["batch_size"], shuffle=True, seed=config["seed"])
    )
    print(
        f"memory per corpus word: our batches {memory['ours_bytes_per_word']:.1f} bytes (peak "
        f"{memory['ours_peak_bytes'] / 2**20:.1f} MB for one epoch of {memory['pairs']:,} "
        f"pairs); the course's triple list {memory['course_bytes_per_word']:,.0f} bytes "
        f"(measured on {memory['course_measured_words']:,} words: "
        f"{memory['course_triples']:,} triples), so "
        f"{memory['course_projected_bytes'] / 2**30:.2f} GB for this corpus, "
        f"{memory['course_bytes_per_word'] * TEXT8_WORDS / 2**30:.1f} GB for text8 "
        f"({TEXT8_WORDS:,} words) at this subsampling"
    )

    written = list(
        write_tables(
            ctx.out.root,
            {
                "word2vec against gensim": (rows, columns),
                "memory (bytes per corpus word)": (
                    {
                        "ours": {"bytes per word": memory["ours_bytes_per_word"]},
                        "course's triples": {"bytes per word": memory["course_bytes_per_word"]},
                    },
                    ["bytes per word"],
                ),
            },
            {
                "comparison": rows,
                "coverage": coverage,
                "gensim_runs": gensim_runs,
                "neighbours": neighbours,
                "memory": memory,
            },
            quick=config["quick"],
        )
    )
    if gensim_runs:
        # one figure per measure: a rank correlation and an accuracy do not share an axis
        spread = (
            f"gensim: mean, bar = range over {len(gensim_runs)} seeds"
            if len(gensim_runs) > 1
            else "gensim: one seed"
        )
        for file, names, ylabel in (
            ("similarity.png", columns[:2], "Spearman's rho with human scores"),
            ("analogies.png", columns[2:3], "analogy accuracy (fraction correct)"),
        ):
            groups = {
                name: {
                    "ours": (rows[OURS][name], None),
                    "gensim": (rows[GENSIM][name], rows[RANGE][name] / 2),
                }
                for name in names
            }
            written.append(
                plot_bars(
                    groups,
                    ctx.out.plots / file,
                    ylabel,
                    f"ours vs gensim, same text and settings ({spread})",
                    xlabel="benchmark",
                )
            )
    written.append(ctx.out.root / "vectors.txt")
    ours.save_text(written[-1])
    if ctx.logger:
        top = min(1000, len(corpus.vocabulary))
        ctx.logger.embeddings("words", ours.vectors[:top], corpus.vocabulary[:top])
    return {"word_vectors": rows, "neighbours": neighbours, "memory": memory, "written": written}


def flatten(scores):
    return {name: s.get("spearman", s.get("accuracy")) for name, s in scores.items()}


def table(rows, columns):
    width = max(len(r) for r in rows) + 2
    lines = [" " * width + "".join(f"{c:>13}" for c in columns)]
    for name, row in rows.items():
        lines.append(
            f"{name:<{width}}"
            + "".join(f"{row[c]:>13.1f}" if c == "seconds" else f"{row[c]:>13.3f}" for c in columns)
        )
    return "\n".join(lines)


def probe_neighbours(vectors, corpus, probes):
    found = {}
    for word in [w for w in probes.split(",") if w]:
        index = vectors.index.get(word)
        count = int(corpus.counts[index]) if index is not None else 0
        if count < PROBE_MIN_COUNT:
            print(f"'{word}': seen {count} times in the training text; too rare for neighbours")
            found[word] = None
            continue
        found[word] = vectors.nearest(word, 5)
        print(f"'{word}' ({count} times): " + ", ".join(f"{w} {s:.2f}" for w, s in found[word]))
    return found


TASK = Task(
    module="chapters.ch06_nlp.word2vec",
    description=__doc__.split("\n\n")[0],
    defaults=DEFAULTS,
    quick=QUICK,
    add_arguments=add_arguments,
    load_data=load_data,
    build_model=lambda config, data: SkipGram(
        len(data.corpus.vocabulary), config["embedding_size"]
    ),
    loss_fn=F.binary_cross_entropy_with_logits,  # label 1: the context; 0: a negative
    metrics=(),
    monitor=("val_loss", "min"),
    describe=lambda c, model: (
        f"window 1..{c['window']}, {c['negatives']} negatives "
        f"({c['negatives_from']}), sample {c['sample']}, dim "
        f"{c['embedding_size']}  |  {c['optimizer']} lr {c['lr']}  |  "
        f"batch = {c['batch_size']} corpus words"
    ),
    finish=finish,
    eval_batch=4096,
)


def main(argv=None):
    return job.main(TASK, argv)


if __name__ == "__main__":
    cli(TASK)
