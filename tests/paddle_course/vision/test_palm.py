"""The PALM reader on tiny folders in the real layout, every bad input it must name, the
stand-in."""

import json

import numpy as np
import pytest
from conftest import _image, write_palm
from readme_contract import check_outputs

from paddle_course.errors import DataError
from paddle_course.vision.palm import find_palm, lfw_standin, load_palm


@pytest.mark.parametrize("nested", [True, False])
def test_reads_the_layout_with_labels_rgb_size_and_scale(tmp_path, nested):
    root = write_palm(tmp_path, nested=nested)
    data = load_palm(*find_palm(root), image_size=16)
    assert data.sizes() == {"train": 7, "val": 5}
    assert data.train.labels.dtype == np.float32 and data.train.labels.shape == (7, 1)
    by_name = dict(zip(data.train.names, data.train.labels[:, 0]))
    assert by_name["P0001.jpg"] == 1 and by_name["H0002.jpg"] == 0 and by_name["N0001.jpg"] == 0
    assert data.val.labels[:, 0].tolist() == [1, 0, 1, 0, 1]
    x, y = data.train[data.train.names.index("P0001.jpg")]
    assert x.shape == (3, 16, 16) and x.dtype == np.float32
    # red stays in channel 0 (RGB, not the course's BGR), scaled to [-1, 1]
    assert x[0].min() > 0.95 and x[1].max() < -0.95 and x[2].max() < -0.95
    assert data.info()["positives"] == {"train": 3, "val": 3}


def test_finds_the_folders_one_level_down(tmp_path):
    write_palm(tmp_path / "PALM")
    train, val, labels = find_palm(tmp_path)
    assert train.name == "PALM-Training400" and val.name == "PALM-Validation400"
    assert labels == tmp_path / "PALM" / "labels.csv"


def _error(root, **kw):
    with pytest.raises(DataError) as e:
        load_palm(*find_palm(root), **kw)
    return str(e.value)


def test_missing_folder_or_labels(tmp_path):
    with pytest.raises(DataError, match="no such file or directory"):
        find_palm(tmp_path / "nowhere")
    (tmp_path / "PALM-Training400").mkdir()
    with pytest.raises(DataError, match="no PALM-Validation400/"):
        find_palm(tmp_path)
    root = write_palm(tmp_path / "r")
    (root / "labels.csv").unlink()
    with pytest.raises(DataError, match="no labels.csv"):
        find_palm(root)


@pytest.mark.parametrize(
    "content, message",
    [
        ("ID,name,Label\n1,V0001.jpg,1\n", "the header must be ID,imgName,Label,Fovea_X,Fovea_Y"),
        ("", "the file is empty"),
        (
            "ID,imgName,Label,Fovea_X,Fovea_Y\n1,V0001.jpg,yes,0,0\n",
            "line 2: Label 'yes' is not 0 or 1",
        ),
        ("ID,imgName,Label,Fovea_X,Fovea_Y\n1,V0001.jpg,1,0\n", "line 2: 4 fields, expected 5"),
    ],
)
def test_malformed_labels_csv(tmp_path, content, message):
    root = write_palm(tmp_path)
    (root / "labels.csv").write_text(content)
    text = _error(root)
    assert text.startswith(str(root / "labels.csv")) and message in text


def test_a_validation_image_without_a_row_and_a_row_without_an_image(tmp_path):
    root = write_palm(tmp_path)
    _image(root / "PALM-Validation400" / "V0099.jpg", "red")
    text = _error(root)
    assert "V0099.jpg: has no row in" in text
    (root / "PALM-Validation400" / "V0099.jpg").unlink()
    (root / "PALM-Validation400" / "V0002.jpg").unlink()
    assert "names 1 image(s) that are not in" in _error(root) and "V0002.jpg" in _error(root)


def test_unreadable_image_bad_prefix_and_other_files(tmp_path):
    root = write_palm(tmp_path)
    train = root / "PALM-Training400" / "PALM-Training400"
    (train / "P0009.jpg").write_bytes(b"not a jpeg")
    assert _error(root).startswith(f"{train / 'P0009.jpg'}: unreadable image")
    (train / "P0009.jpg").unlink()
    _image(train / "X0001.jpg", "red")
    assert _error(root).startswith(f"{train / 'X0001.jpg'}: a training image's name must start")
    (train / "X0001.jpg").unlink()
    (train / "notes.txt").write_text("x")
    assert _error(root).startswith(f"{train / 'notes.txt'}: not an image file")
    (train / "notes.txt").unlink()
    (train / ".DS_Store").write_text("x")  # hidden files are not data: ignored
    assert load_palm(*find_palm(root), image_size=8).sizes()["train"] == 7


def test_the_stand_in_is_written_once_in_the_palm_layout(tmp_path):
    root = lfw_standin(tmp_path)
    assert (root / "PALM-Training400" / "PALM-Training400").is_dir()
    data = load_palm(*find_palm(root), image_size=25)
    assert data.sizes() == {"train": 150, "val": 50}
    assert data.info()["positives"] == {"train": 75, "val": 25}
    names = set(data.train.names)
    assert {n[0] for n in names} == {"P", "H", "N"}
    stamp = (root / "labels.csv").stat().st_mtime_ns
    assert lfw_standin(tmp_path) == root and (root / "labels.csv").stat().st_mtime_ns == stamp
    # tied to its source: an image swapped or cut short, and the folder is made again
    one = root / "PALM-Validation400" / "V0001.jpg"
    original = one.read_bytes()
    one.write_bytes(original[: len(original) // 2])
    lfw_standin(tmp_path)
    assert one.read_bytes() == original
    (root / "labels.csv").write_text("ID,imgName,Label,Fovea_X,Fovea_Y\n")
    assert len(load_palm(*find_palm(lfw_standin(tmp_path)), image_size=8).val.names) == 50


def test_lesson_trains_on_a_real_layout_and_reports_val_auc_and_baseline(tmp_path):
    from chapters.ch04_vision import palm

    root = write_palm(tmp_path / "data", n_train=(6, 3, 3), n_val=7)
    out = tmp_path / "out"
    metrics = palm.main(
        [
            "--data",
            str(root),
            "--quick",
            "--model",
            "lenet",
            "--output-dir",
            str(out),
            "--epochs",
            "2",
        ]
    )
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["val"]["samples"] == 7 == metrics["val"]["samples"]
    assert {"acc", "auc", "loss"} <= set(saved["val"]) and saved["best"]["metric"] == "val_auc"
    assert saved["baseline"] == {"rule": "always 1", "val_acc": 4 / 7}
    assert saved["val"]["auc"] == max(r["val_auc"] for r in saved["history"])
    check_outputs("chapters.ch04_vision.palm", out)


def test_lesson_wants_all_three_paths_without_data(tmp_path):
    from chapters.ch04_vision import palm
    from paddle_course.errors import ConfigError

    with pytest.raises(ConfigError, match="give all three of --train-dir, --val-dir, --labels"):
        palm.main(["--train-dir", str(tmp_path), "--quick", "--output-dir", str(tmp_path / "o")])
