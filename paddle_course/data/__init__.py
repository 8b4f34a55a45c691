"""Datasets (one module each), deterministic splits and loader builders."""

from .errors import DataError
from .housing import COLUMNS as HOUSING_COLUMNS, load_housing
from .loader import ArrayDataset, EpochBatchSampler, SynchronousLoader, make_loader
from .mnist import MnistData, Split, load_mnist
from .splits import bootstrap, kfold, stratified_split

__all__ = ["DataError", "load_mnist", "MnistData", "Split", "load_housing", "HOUSING_COLUMNS",
           "stratified_split", "kfold", "bootstrap", "ArrayDataset", "EpochBatchSampler", "SynchronousLoader", "make_loader"]
