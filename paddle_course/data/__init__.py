"""The datasets and input pipeline several chapters share: MNIST, housing, loaders, splits,
data packs, the cache, transforms. A domain's own datasets live in its package."""

from paddle_course.data.digits import MnistData, Split
from paddle_course.data.housing import COLUMNS as HOUSING_COLUMNS
from paddle_course.data.housing import load_housing
from paddle_course.data.loader import (
    ArrayDataset,
    EpochBatchSampler,
    SynchronousLoader,
    make_loader,
)
from paddle_course.data.mnist import load_mnist
from paddle_course.data.splits import bootstrap, kfold, stratified_split

__all__ = [
    "load_mnist",
    "MnistData",
    "Split",
    "load_housing",
    "HOUSING_COLUMNS",
    "stratified_split",
    "kfold",
    "bootstrap",
    "ArrayDataset",
    "EpochBatchSampler",
    "SynchronousLoader",
    "make_loader",
]
