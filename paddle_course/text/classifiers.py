"""Text classifiers over token ids: the course's LSTM and what we compare it with.

Every model takes ``(tokens [N, L] int64, lengths [N] int64)``: ids padded with ``[pad]`` to the
``--max-len`` L, and each text's true number of tokens. It returns logits ``[N, num_classes]``.
"""

import math

import numpy as np
import paddle
from paddle import nn


def _embedding(vocab_size, size, init_scale):
    return nn.Embedding(
        vocab_size,
        size,
        weight_attr=paddle.ParamAttr(initializer=nn.initializer.Uniform(-init_scale, init_scale)),
    )


def _valid(lengths, steps):
    """``[N, steps]`` bool: True where a position holds a token, False on padding."""
    return paddle.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)


def _trim(tokens, lengths):
    """Drop the padding columns after the longest text: nothing that uses the lengths changes,
    and an LSTM over 128 steps costs 3 x one over 40."""
    return tokens[:, : int(lengths.max())]


class SentimentClassifier(nn.Layer):
    """The course's ``Embedding -> LSTM -> Linear(2)`` (its names: ``embedding``,
    ``simple_lstm_rnn``, ``cls_fc``, dropout on the embeddings).

    use_lengths    False: the course's reading of the LSTM's final state, which comes *after* the
                   padding (a 20-word review padded to 128 has its state pushed through 108
                   ``[pad]`` steps); True: the state at each text's last token (``sequence_length``;
                   PyTorch needs ``pack_padded_sequence`` for the same)
    bidirectional  a second LSTM reads the text backwards; the two final states are concatenated
    """

    def __init__(
        self,
        vocab_size,
        embedding_size=128,
        hidden_size=128,
        num_classes=2,
        dropout=0.2,
        init_scale=0.1,
        use_lengths=True,
        bidirectional=False,
    ):
        super().__init__()
        self.use_lengths, self.bidirectional = use_lengths, bidirectional
        self.embedding = _embedding(vocab_size, embedding_size, init_scale)
        self.dropout_layer = nn.Dropout(dropout)
        self.simple_lstm_rnn = nn.LSTM(
            embedding_size, hidden_size, direction="bidirect" if bidirectional else "forward"
        )
        self.cls_fc = nn.Linear(hidden_size * (2 if bidirectional else 1), num_classes)

    def forward(self, tokens, lengths):
        if self.use_lengths:
            tokens = _trim(tokens, lengths)
        x = self.dropout_layer(self.embedding(tokens))  # [N, L, E]
        _, (h, _) = self.simple_lstm_rnn(
            x, sequence_length=lengths if self.use_lengths else None
        )  # h: [directions, N, H]
        last = paddle.concat([h[-2], h[-1]], axis=-1) if self.bidirectional else h[-1]
        return self.cls_fc(last)


class BagOfEmbeddings(nn.Layer):
    """The mean of a text's word embeddings (padding excluded), then a linear layer: word order
    ignored. The baseline a sequence model has to beat."""

    def __init__(self, vocab_size, embedding_size=128, num_classes=2, dropout=0.2, init_scale=0.1):
        super().__init__()
        self.embedding = _embedding(vocab_size, embedding_size, init_scale)
        self.dropout_layer = nn.Dropout(dropout)
        self.cls_fc = nn.Linear(embedding_size, num_classes)

    def forward(self, tokens, lengths):
        tokens = _trim(tokens, lengths)
        weights = _valid(lengths, tokens.shape[1]).astype("float32")  # [N, L]
        weights = weights / lengths.astype("float32").unsqueeze(1)
        mean = paddle.matmul(weights.unsqueeze(1), self.embedding(tokens)).squeeze(1)  # [N, E]
        return self.cls_fc(self.dropout_layer(mean))


class TransformerClassifier(nn.Layer):
    """A small Transformer encoder (FAQ Q20): token + learned position embeddings, ``layers``
    pre-norm encoder layers that attend only to real tokens, the mean of the outputs over the
    real tokens, a linear layer."""

    def __init__(
        self,
        vocab_size,
        max_len=128,
        d_model=128,
        heads=4,
        layers=2,
        ff_size=256,
        num_classes=2,
        dropout=0.1,
        init_scale=0.1,
    ):
        super().__init__()
        self.embedding = _embedding(vocab_size, d_model, init_scale)
        self.position = _embedding(max_len, d_model, init_scale)
        self.scale = math.sqrt(d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, ff_size, dropout, normalize_before=True)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d_model))
        self.cls_fc = nn.Linear(d_model, num_classes)

    def forward(self, tokens, lengths):
        tokens = _trim(tokens, lengths)
        steps = tokens.shape[1]
        x = self.embedding(tokens) * self.scale + self.position(paddle.arange(steps))
        valid = _valid(lengths, steps)  # [N, L]
        # Paddle's bool attention mask: True = may attend (PyTorch's key_padding_mask is the
        # opposite: True = ignore); [N, 1, 1, L] reaches every head and query
        h = self.encoder(x, src_mask=valid.unsqueeze(1).unsqueeze(1))  # [N, L, d]
        weights = valid.astype("float32") / lengths.astype("float32").unsqueeze(1)
        return self.cls_fc(paddle.matmul(weights.unsqueeze(1), h).squeeze(1))


def load_pretrained(embedding, words, vectors):
    """Copy the rows of ``vectors`` (a ``WordVectors``) into ``embedding`` for every word of
    ``words`` (the classifier's vocabulary) they hold; returns how many were found."""
    weight = embedding.weight.numpy()
    if weight.shape[1] != vectors.vectors.shape[1]:
        raise ValueError(
            f"the vectors have {vectors.vectors.shape[1]} dimensions, the embedding "
            f"{weight.shape[1]}"
        )
    found = [(i, vectors.index[w]) for i, w in enumerate(words) if w in vectors.index]
    if found:
        rows, sources = np.array(found).T
        weight[rows] = vectors.vectors[sources]
    embedding.weight.set_value(weight)
    return len(found)
