"""The course's skip-gram network: two embedding tables and a dot product."""

import paddle
from paddle import nn


class SkipGram(nn.Layer):
    """``embedding`` holds the word vectors (a word as a center), ``embedding_out`` a second
    vector per word (as a context or a negative); a pair's logit is their dot product, trained
    with ``binary_cross_entropy_with_logits`` toward 1 for a true context and 0 for a negative.

    Initialised as the course does (and word2vec.c does the first table): ``embedding`` uniform
    on +-0.5 / dim, ``embedding_out`` uniform on +-``init_scale`` (word2vec.c starts it at zero).
    ``sparse``: the tables' gradients hold only the rows of the batch (Paddle's ``SelectedRows``;
    PyTorch's ``sparse=True``), so an optimizer step costs the batch's rows, not the vocabulary.
    """

    def __init__(self, vocab_size, embedding_size=200, init_scale=0.1, sparse=False):
        super().__init__()
        uniform = paddle.nn.initializer.Uniform
        self.embedding = nn.Embedding(
            vocab_size,
            embedding_size,
            sparse=sparse,
            weight_attr=paddle.ParamAttr(
                initializer=uniform(-0.5 / embedding_size, 0.5 / embedding_size)
            ),
        )
        self.embedding_out = nn.Embedding(
            vocab_size,
            embedding_size,
            sparse=sparse,
            weight_attr=paddle.ParamAttr(initializer=uniform(-init_scale, init_scale)),
        )

    def forward(self, center, words):
        """center [P] ids, words [P, T] ids (a context and its negatives) -> logits [P, T]."""
        c = self.embedding(center)  # [P, D]
        w = self.embedding_out(words)  # [P, T, D]
        # [P, T, D] @ [P, D, 1] -> [P, T]: one dot product per word. A batched matmul, not
        # (w * c.unsqueeze(1)).sum(-1): Paddle's broadcasting multiply is ~7x slower on a CPU
        return paddle.matmul(w, c.unsqueeze(2)).squeeze(2)

    def vectors(self):
        """The word vectors, ``[vocab_size, D]`` numpy: the first table, as the course uses."""
        return self.embedding.weight.numpy()
