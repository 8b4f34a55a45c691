"""The course's own way of reading data: a generator function that yields checked batches.

``load_data`` returns a *function* that, each time it is called, shuffles (in training mode) and
yields ``(images, labels)`` batches one at a time: nothing but the current batch is ever copied,
which is why the course builds readers as generators (FAQ Q5).
"""

import numpy as np


def load_data(split, mode="train", batch_size=100, seed=0):
    """The course's ``load_data(mode)``, over a loaded split (``images`` [N, 1, 28, 28], ``labels``
    [N]). ``mode`` 'train' shuffles each epoch (a new permutation per call, from ``seed`` and the
    call count); 'valid'/'eval' keep the order."""
    if mode not in ("train", "valid", "eval"):
        raise ValueError(f"mode can only be one of ['train', 'valid', 'eval'], not {mode!r}")
    imgs, labels = split.images, split.labels
    assert len(imgs) == len(labels), (
        f"length of train_imgs({len(imgs)}) should be the same as train_labels({len(labels)})"
    )
    epoch = [0]

    def data_generator():
        index = np.arange(len(imgs))
        if mode == "train":
            np.random.default_rng([seed, epoch[0]]).shuffle(index)
            epoch[0] += 1
        for start in range(0, len(index), batch_size):
            batch = index[start : start + batch_size]
            x, y = imgs[batch], labels[batch]
            assert x.shape[1:] == (1, 28, 28), f"each image must be [1, 28, 28], got {x.shape[1:]}"
            assert len(x) == len(y), f"{len(x)} images but {len(y)} labels in a batch"
            yield x, y

    return data_generator
