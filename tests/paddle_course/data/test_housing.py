import numpy as np
import pytest

from paddle_course.data import HOUSING_COLUMNS, load_housing
from paddle_course.errors import DataError


def test_embedded_housing_is_the_uci_table():
    table = load_housing()
    assert table.shape == (506, 14) and len(HOUSING_COLUMNS) == 14
    # the first record of the UCI file: CRIM 0.00632, ZN 18, ..., MEDV 24.0
    assert table[0, 0] == pytest.approx(0.00632) and table[0, 1] == 18 and table[0, -1] == 24.0


def test_course_housing_data_whitespace_and_wrapped_lines(tmp_path):
    rows = np.arange(3 * 14, dtype=float).reshape(3, 14) / 7
    text = "\n".join(
        " ".join(f"{v:.6f}" for v in r[:7]) + "\n   " + " ".join(f"{v:.6f}" for v in r[7:])
        for r in rows
    )
    path = tmp_path / "housing.data"
    path.write_text(text)
    np.testing.assert_allclose(load_housing(path), rows, atol=1e-6)


@pytest.mark.parametrize(
    "text, message",
    [
        ("1 2 3\n", "3 numbers do not make rows of 14 columns"),
        ("1 2 x " + "1 " * 11, "not a table of numbers"),
        ("", "the file is empty"),
        ("\n \n", "holds no rows"),
        ("nan " * 14, "NaN or infinite"),
        ("1 " * 14, r"1 row\(s\): the course trains on the first 80 %"),  # one row
        (
            "\n".join(
                " ".join(str(i + j) for j in range(13)) + " 0" for i in range(6)
            ),  # MEDV constant
            "column MEDV has one value in all the training rows",
        ),
    ],
)
def test_bad_housing_files(tmp_path, text, message):
    path = tmp_path / "housing.data"
    path.write_text(text)
    with pytest.raises(DataError, match=message) as err:
        load_housing(path)
    assert str(path) in str(err.value)


def test_missing_housing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_housing(tmp_path / "housing.data")
