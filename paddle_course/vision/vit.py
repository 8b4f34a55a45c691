"""A small Vision Transformer, written out: patches, a class token, position embeddings, multi-head
self-attention and an MLP in pre-norm residual blocks (Dosovitskiy et al., 2020).

Shapes: images ``[N, C, H, W]`` -> patches ``[N, P, D]`` (P = (H/p)(W/p) patches of p x p pixels,
each projected to D numbers by one strided conv) -> with the class token ``[N, P + 1, D]`` ->
``depth`` blocks -> the class token's final vector -> Linear(D, num_classes).

:class:`MultiHeadSelfAttention` is ours and keeps Paddle's parameter names (``q_proj``,
``k_proj``, ``v_proj``, ``out_proj``), so ``paddle.nn.MultiHeadAttention`` loads its weights and
a test checks that both compute the same thing.
"""

import math

import paddle
import paddle.nn as nn
import paddle.nn.functional as F


class MultiHeadSelfAttention(nn.Layer):
    """softmax(Q K^T / sqrt(d)) V in ``heads`` heads of d = dim / heads numbers, concatenated and
    projected. Keeps the last attention weights ``[N, heads, T, T]`` in ``self.weights``."""

    def __init__(self, dim, heads):
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} must divide into {heads} heads")
        self.heads, self.head_dim = heads, dim // heads
        self.q_proj, self.k_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.v_proj, self.out_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.weights = None

    def _split(self, x):  # [N, T, D] -> [N, heads, T, d]
        n, t, _ = x.shape
        return x.reshape([n, t, self.heads, self.head_dim]).transpose([0, 2, 1, 3])

    def extra_flops(self, inputs, output):
        """Multiply-accumulates of Q K^T and of the weights times V (the projections are Linear
        layers, counted on their own): 2 x N x T x T x D."""
        n, t, d = inputs[0].shape
        return 2 * n * t * t * d

    def forward(self, x):
        q, k, v = (self._split(f(x)) for f in (self.q_proj, self.k_proj, self.v_proj))
        scores = paddle.matmul(q, k, transpose_y=True) / math.sqrt(self.head_dim)  # [N, h, T, T]
        self.weights = F.softmax(scores, axis=-1)
        out = paddle.matmul(self.weights, v)  # [N, h, T, d]
        n, _, t, _ = out.shape
        return self.out_proj(out.transpose([0, 2, 1, 3]).reshape([n, t, -1]))


class Block(nn.Layer):
    """x + attention(norm(x)), then x + MLP(norm(x)) (GELU, ``mlp`` hidden units)."""

    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim), MultiHeadSelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Layer):
    """``image_size`` / ``patch`` patches per side; ``dim`` numbers per token; ``depth`` blocks."""

    def __init__(
        self,
        num_classes=10,
        in_channels=1,
        image_size=28,
        patch=4,
        dim=32,
        depth=2,
        heads=4,
        mlp=64,
    ):
        super().__init__()
        if image_size % patch:
            raise ValueError(f"patches of {patch} px do not tile {image_size} px images")
        self.grid = image_size // patch
        self.patch_embed = nn.Conv2D(in_channels, dim, patch, stride=patch)  # one vector a patch
        self.cls_token = self.create_parameter(
            [1, 1, dim], default_initializer=nn.initializer.TruncatedNormal(std=0.02)
        )
        self.pos_embed = self.create_parameter(
            [1, self.grid * self.grid + 1, dim],
            default_initializer=nn.initializer.TruncatedNormal(std=0.02),
        )
        self.blocks = nn.LayerList([Block(dim, heads, mlp) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose([0, 2, 1])  # [N, P, D]
        cls = self.cls_token.expand([x.shape[0], -1, -1])  # [N, 1, D]
        x = paddle.concat([cls, x], axis=1) + self.pos_embed  # [N, P + 1, D]
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])  # the class token

    def class_attention(self):
        """The last block's attention of the class token to each patch, averaged over the heads,
        from the latest forward pass: ``[N, grid, grid]``."""
        weights = self.blocks[-1].attn.weights  # [N, h, T, T]
        return weights[:, :, 0, 1:].mean(axis=1).reshape([-1, self.grid, self.grid])
