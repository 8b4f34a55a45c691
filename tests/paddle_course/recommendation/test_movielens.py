"""MovieLens readers on tiny files in the real layouts (ml-1m, ML-100K, recbole's, zips), and each
kind of bad input named by file and line."""

import zipfile

import numpy as np
import pytest
from conftest import ML1M, ML100K
from conftest import write_files as write

from paddle_course.errors import DataError
from paddle_course.recommendation.movielens import GENRES, RECBOLE, RECBOLE_DIR, load_movielens


def test_ml1m_directory_and_zip_give_the_same_tables(tmp_path):
    data = load_movielens(write(tmp_path / "ml-1m", ML1M))
    assert data.users.gender.tolist() == [1, 0, 0]  # F = 1
    assert data.users.age.tolist() == [0, 6, 2]  # bucket indices of 1, 56, 25
    assert data.users.occupation.tolist() == [10, 16, 15]
    assert data.movies.titles[2] == "Misérables, Les" and data.movies.year.tolist() == [
        1995
    ] * 2 + [1998]
    assert data.movies.words[0] == ["toy", "story"]
    assert data.movies.genres[
        0, [GENRES.index(g) for g in ("Animation", "Children's", "Comedy")]
    ].all()
    assert data.movies.genres.sum() == 7
    assert data.ratings.user.tolist() == [0, 0, 1, 2] and data.ratings.movie.tolist() == [
        0,
        1,
        0,
        2,
    ]
    assert data.ratings.rating.tolist() == [5, 3, 4, 1]
    with zipfile.ZipFile(tmp_path / "ml-1m.zip", "w") as z:
        for name, text in ML1M.items():
            z.writestr(f"ml-1m/{name}", text.encode("latin-1"))
    zipped = load_movielens(tmp_path / "ml-1m.zip")
    assert zipped.fingerprint() == data.fingerprint()


def test_ml100k_layout_buckets_ages_and_reads_flags(tmp_path):
    data = load_movielens(write(tmp_path / "ml-100k", ML100K))
    assert data.users.age.tolist() == [1, 5, 0]  # 24 -> 18-24, 53 -> 50-55, 17
    assert data.occupations == ("other", "student", "technician")
    assert data.users.occupation.tolist() == [2, 0, 1]
    assert data.movies.year.tolist() == [1995, 1995, 0] and data.movies.titles[2] == "unknown"
    assert data.movies.genres[1, GENRES.index("Thriller")] == 1
    assert data.ratings.movie.tolist() == [0, 1, 0, 2]


def test_recbole_files_from_a_pack_built_here(tmp_path):
    user = "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n" + "".join(
        line.replace("|", "\t") + "\n" for line in ML100K["u.user"].splitlines()
    )
    item = (
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        "1\tToy Story\t1995\tAnimation Children's Comedy\n"
        "2\tLand Before Time III (1995)\tV\tAnimation\n"  # recbole's own slip
        "3\tunkonwn\tunkonwn\tunknown\n"
    )
    inter = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n" + ML100K["u.data"]
    files = {
        f"{RECBOLE_DIR}/ml-100k.{k}": v.encode()
        for k, v in (("user", user), ("item", item), ("inter", inter))
    }

    def fetch(pack, member):
        assert pack == RECBOLE
        return files[member]

    data = load_movielens(fetch=fetch)
    assert data.source.startswith("ML-100K (recbole") and len(data.ratings.rating) == 4
    assert data.movies.year.tolist() == [1995, 1995, 0]
    assert data.movies.titles[1] == "Land Before Time III"
    assert data.users.age.tolist() == [1, 5, 0]


@pytest.mark.parametrize(
    "layout, name, bad, message",
    [
        (
            ML1M,
            "users.dat",
            "1::F::1::10::48067\n2::M::57::16::70072\n",
            r"users.dat: line 2: age code 57 is not one of ml-1m's buckets",
        ),
        (
            ML1M,
            "users.dat",
            "1,F,1,10,48067\n",
            r"users.dat: line 1: expected 5 fields separated by '::'",
        ),
        (ML1M, "users.dat", "1::X::1::10::48067\n", r"users.dat: line 1: gender 'X' is not M or F"),
        (ML1M, "ratings.dat", "1::1::6::978300760\n", r"ratings.dat: line 1: rating 6 is not 1, 2"),
        (
            ML1M,
            "ratings.dat",
            "1::1::5::978300760\n9::1::5::978300760\n",
            r"ratings.dat: line 2: user 9 is not in the users file",
        ),
        (
            ML1M,
            "ratings.dat",
            "1::77::5::978300760\n",
            r"ratings.dat: line 1: movie 77 is not in the",
        ),
        (
            ML1M,
            "movies.dat",
            "1::Toy Story (1995)::Animation|Cartoon\n",
            r"movies.dat: line 1: unknown genre 'Cartoon'",
        ),
        (
            ML100K,
            "u.data",
            "1|1|5|874965758\n",
            r"u.data: line 1: expected 4 fields separated by '\\t'",
        ),
        (ML100K, "u.user", "1|240|M|technician|85711\n", r"u.user: line 1: age 240 is not an age"),
        (
            ML100K,
            "u.data",
            "1\t1\tfive\t874965758\n",
            r"u.data: line 1: rating 'five' is not a number",
        ),
    ],
)
def test_bad_input_names_the_file_and_line(tmp_path, layout, name, bad, message):
    root = write(tmp_path / "data", dict(layout, **{name: bad}))
    with pytest.raises(DataError, match=message):
        load_movielens(root)


def test_missing_files_and_unknown_layouts(tmp_path):
    root = write(tmp_path / "ml-1m", {k: v for k, v in ML1M.items() if k != "movies.dat"})
    with pytest.raises(DataError, match=r"movies.dat: missing"):
        load_movielens(root)
    with pytest.raises(DataError, match="neither ml-1m"):
        load_movielens(write(tmp_path / "other", {"notes.txt": "hello"}))
    with pytest.raises(DataError, match="no such file or directory"):
        load_movielens(tmp_path / "nowhere")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DataError, match="not a readable zip"):
        load_movielens(tmp_path / "broken.zip")
    assert np.array_equal(load_movielens(write(tmp_path / "again", ML1M)).users.ids, [1, 2, 3])
