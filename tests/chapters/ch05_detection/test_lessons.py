"""Chapter 5's data and detector: the VOC reader on files written here (and each bad input), the
tree-crown pack from a wheel built here, the digit-scene generator, a training step, and the
yolo lesson through the job (quick, and resumed exactly)."""

import io
import json

import numpy as np
import paddle
import pytest
from conftest import checkpoint_params
from PIL import Image
from readme_contract import check_outputs

from paddle_course.data.digits import MnistData, Split
from paddle_course.detection import datasets as det_data
from paddle_course.detection.anchors import HeadLayout
from paddle_course.detection.digit_scenes import ink_box, make_scenes
from paddle_course.detection.tiny_yolo import TinyYOLOv3
from paddle_course.detection.tree_crowns import HELD_OUT, PACK, TRAIN, tree_crowns
from paddle_course.detection.voc import read_voc_folder, tiles
from paddle_course.detection.yolo_loss import YoloLoss
from paddle_course.errors import DataError, FolderError

OBJECT = (
    "<object><name>{name}</name><difficult>{difficult}</difficult><bndbox><xmin>{0}</xmin>"
    "<ymin>{1}</ymin><xmax>{2}</xmax><ymax>{3}</ymax></bndbox></object>"
)


def annotation(filename, width, height, objects):
    """A VOC XML document; ``objects``: ``(name, (xmin, ymin, xmax, ymax), difficult)``."""
    body = "".join(
        OBJECT.format(*box, name=name, difficult=int(hard)) for name, box, hard in objects
    )
    return (
        f"<annotation><filename>{filename}</filename><size><width>{width}</width>"
        f"<height>{height}</height><depth>3</depth></size>{body}</annotation>"
    )


def png_bytes(width, height, seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def write_voc(root, images):
    """``images``: ``{stem: (width, height, objects)}`` as a VOC folder (jpeg-named PNGs, as
    the course's insects are named)."""
    (root / "annotations" / "xmls").mkdir(parents=True, exist_ok=True)
    (root / "images").mkdir(parents=True, exist_ok=True)
    for i, (stem, (w, h, objects)) in enumerate(images.items()):
        (root / "images" / f"{stem}.jpeg").write_bytes(png_bytes(w, h, i))
        (root / "annotations" / "xmls" / f"{stem}.xml").write_text(
            annotation(f"{stem}.jpeg", w, h, objects)
        )
    return root


INSECTS = {
    "1": (80, 60, [("Leconte", (10, 5, 30, 25), False), ("Boerner", (40, 30, 80, 60), False)]),
    "2": (64, 64, [("armandi", (0, 0, 16, 32), True)]),
    "3": (50, 40, [("Boerner", (5, 5, 45, 35), False)]),
}


# --- the VOC reader ----------------------------------------------------------------------------


def test_voc_folder_is_read_with_its_classes_and_boxes(tmp_path):
    items = read_voc_folder(write_voc(tmp_path, INSECTS))
    assert [i.name for i in items] == ["1", "2", "3"]
    assert items[0].image.shape == (60, 80, 3) and items[0].names == ["Leconte", "Boerner"]
    assert items[0].boxes.tolist() == [[10, 5, 30, 25], [40, 30, 80, 60]]
    assert items[1].difficult.tolist() == [True]


def test_voc_splits_normalise_boxes_and_resize_images(tmp_path):
    root = tmp_path / "insects"
    write_voc(root / "train", INSECTS)
    write_voc(root / "val", {k: INSECTS["1"] for k in "abcd"})
    data = det_data.load_detection_data(str(root), seed=0, image_size=32)
    assert data.classes == ["Boerner", "Leconte", "armandi"]  # sorted: the course's order
    assert data.sizes() == {"train": 3, "val": 2, "test": 2}  # no annotated test/: val halved
    assert data.train.images.shape == (3, 3, 32, 32) and data.train.targets.shape == (3, 2, 5)
    # image 1: Leconte (class 1) at x 10..30 of 80, y 5..25 of 60: centre (0.25, 0.25), 0.25 x 1/3
    assert np.allclose(data.train.targets[0, 0], [1, 0.25, 0.25, 0.25, 1 / 3])
    assert data.train.targets[1, 1].tolist() == [0, 0, 0, 0, 0]  # padding
    boxes, classes, hard = data.train.ground_truth(1)
    assert (
        np.allclose(boxes, [[0, 0, 0.25, 0.5]])
        and classes.tolist() == [2]
        and hard.tolist() == [True]
    )
    image, target = data.train[0]
    assert image.dtype == np.float32 and -1 <= image.min() and image.max() <= 1
    single = det_data.load_detection_data(str(root / "train"), seed=0, image_size=32)
    assert single.sizes() == {"train": 1, "val": 1, "test": 1}


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: _objects(r, "1", [("Leconte", (10, 5, 90, 25), False)]),
            r"1\.xml: object 1 \(Leconte\): the box \(10, 5, 90, 25\) is outside the 80x60 image",
        ),
        (
            lambda r: _objects(r, "1", [("", (10, 5, 30, 25), False)]),
            r"1\.xml: object 1 has an empty or missing <name>",
        ),
        (lambda r: _objects(r, "1", [("Leconte", (30, 5, 10, 25), False)]), r"1\.xml: .* is empty"),
        (
            lambda r: (r / "images" / "2.jpeg").write_bytes(b"not an image"),
            r"2\.jpeg: unreadable image",
        ),
        (lambda r: (r / "images" / "3.jpeg").unlink(), r"3\.xml: its image is missing"),
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text("<annotation><size>"),
            r"3\.xml: not a readable XML annotation",
        ),
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text(
                annotation("3.jpeg", 50, 40, [("Boerner", ("5", "x", 45, 35), False)])
            ),
            r"3\.xml: object 1 \(Boerner\): <ymin> is 'x', not a finite number",
        ),
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text(
                annotation("3.jpeg", 99, 40, [])
            ),
            r"3\.xml: <size> says 99x40 but the image is 50x40",
        ),
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text(
                annotation("3.jpeg", 50, 40, [("Boerner", (5, "nan", 45, 35), False)])
            ),
            r"3\.xml: object 1 \(Boerner\): <ymin> is 'nan', not a finite number",
        ),
        # a <filename> never leads out of images/: absolute, or up through ..
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text(
                annotation(str(r / "images" / "1.jpeg"), 50, 40, [])
            ),
            r"3\.xml: names '/.*1\.jpeg', "
            r"which is outside .*images",
        ),
        (
            lambda r: (r / "annotations" / "xmls" / "3.xml").write_text(
                annotation("../../elsewhere.jpeg", 50, 40, [])
            ),
            r"3\.xml: names '\.\./\.\./else",
        ),
    ],
)
def test_voc_bad_input_is_one_clear_error_naming_the_file(tmp_path, change, message):
    root = write_voc(tmp_path, INSECTS)
    change(root)
    with pytest.raises(DataError, match=message):
        read_voc_folder(root)


def _objects(root, stem, objects):
    w, h, _ = INSECTS[stem]
    (root / "annotations" / "xmls" / f"{stem}.xml").write_text(
        annotation(f"{stem}.jpeg", w, h, objects)
    )


def test_not_a_voc_folder(tmp_path):
    with pytest.raises(DataError, match="no annotations/xmls/"):
        read_voc_folder(tmp_path)
    with pytest.raises(DataError, match="no such file or directory"):
        det_data.load_detection_data(str(tmp_path / "nope"))


def test_tiles_do_not_overlap_and_keep_boxes_mostly_inside(tmp_path):
    item = read_voc_folder(
        write_voc(
            tmp_path,
            {
                "big": (
                    100,
                    70,
                    [
                        ("Tree", (10, 10, 30, 30), False),  # inside the first tile
                        (
                            "Tree",
                            (40, 10, 60, 20),
                            False,
                        ),  # 10 px each side of x = 50: kept in both, clipped
                        (
                            "Tree",
                            (45, 40, 70, 70),
                            False,
                        ),  # 8/15 of it in the bottom-right tile only
                    ],
                )
            },
        )
    )[0]
    cut = tiles(item, 50)
    assert [t.name for t in cut] == ["big@0,0", "big@50,0", "big@50,50"]
    assert all(t.image.shape == (50, 50, 3) for t in cut)  # the last row padded
    assert cut[0].boxes.tolist() == [[10, 10, 30, 30], [40, 10, 50, 20]]
    assert cut[1].boxes.tolist() == [[0, 10, 10, 20]]
    assert cut[2].boxes.tolist() == [[0, 0, 20, 20]]
    assert (cut[2].image[20:] == 0).all()  # padding is black


def test_tree_crowns_from_a_pack_built_here():
    sizes = {TRAIN[0]: (120, 100), TRAIN[1]: (60, 60), HELD_OUT: (100, 50)}
    members = {}
    for stem, (w, h) in sizes.items():
        members[f"deepforest/data/{stem}.png"] = png_bytes(w, h)
        members[f"deepforest/data/{stem}.xml"] = annotation(
            f"{stem}.tif",
            w,
            h,
            [("Tree", (5, 5, 25, 25), False), ("Tree", (w - 30, h - 20, w - 10, h - 5), False)],
        ).encode()

    def fetch(pack, member):
        assert pack == PACK
        return members[member]

    parts = tree_crowns(fetch)
    assert [len(parts[k]) for k in ("train", "val", "test")] == [2, 1, 1]
    assert parts["val"][0].image.shape == (50, 50, 3) and parts["val"][0].boxes.tolist() == [
        [5, 5, 25, 25]
    ]
    assert parts["test"][0].boxes.tolist() == [[20, 30, 40, 45]]  # the right half, shifted
    data = det_data.load_detection_data("tree-crowns", fetch=fetch, image_size=32)
    assert data.classes == ["Tree"] and data.channels == 3 and data.image_size == 32


# --- the digit scenes -----------------------------------------------------------------------------


def fake_digits(n, first_value):
    """28x28 'digits': a block of ink whose value names the digit (first_value, +1, ...)."""
    d = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        d[i, 4 + i % 5 : 20, 6 : 18 + i % 7] = first_value + i
    return d


def test_scenes_hold_tight_separate_boxes_inside_the_canvas():
    digits = fake_digits(40, 10)
    images, boxes, classes = make_scenes(digits, np.arange(40) % 10, 30, seed=0)
    assert images.shape == (30, 64, 64) and len(boxes) == len(classes) == 30
    assert {len(b) for b in boxes} <= {1, 2, 3, 4} and len({len(b) for b in boxes}) > 1
    for image, b in zip(images, boxes):
        assert (b[:, :2] >= 0).all() and (b[:, 2:] <= 64).all()
        covered = np.zeros_like(image, dtype=bool)
        for x1, y1, x2, y2 in b.astype(int):
            patch = image[y1:y2, x1:x2]
            assert ink_box(patch) == (0, 0, x2 - x1, y2 - y1)  # tight: ink on every edge
            assert not covered[y1:y2, x1:x2].any()  # boxes never overlap
            covered[y1:y2, x1:x2] = True
        assert not image[~covered].any()  # no ink outside a box


def test_evaluation_scenes_use_each_digit_once_and_splits_use_disjoint_digits(monkeypatch):
    values = {"train": 10, "val": 100, "test": 160}
    splits = {
        k: Split((fake_digits(40, v)[:, None] / 127.5 - 1).astype(np.float32), np.arange(40) % 10)
        for k, v in values.items()
    }
    monkeypatch.setattr(
        "paddle_course.data.mnist.load_mnist",
        lambda path, seed: MnistData(splits["train"], splits["val"], splits["test"], "fake", "x"),
    )
    data = det_data.load_detection_data(None, seed=0, scenes=(50, 30, 30))
    inks = {k: set(np.unique(getattr(data, k).images)) - {0} for k in values}
    # resampling blurs edges into other values; the ink's own values identify the digits
    own = {k: {v for v in ink if values[k] <= v < values[k] + 40} for k, ink in inks.items()}
    assert len(own["train"]) == 40  # training reuses every digit
    assert not (own["val"] & inks["test"]) and not (own["test"] & inks["val"])
    assert not (own["train"] & (inks["val"] | inks["test"]))
    assert data.val.box_count() <= 40 and data.test.box_count() <= 40  # each digit at most once
    assert len(data.train) == 50 and data.channels == 1 and data.classes[3] == "3"


# --- the detector ---------------------------------------------------------------------------------


def test_detector_output_and_a_few_steps_on_one_batch_lower_the_loss():
    layout = HeadLayout.from_anchors(
        [(8, 8), (12, 12), (16, 16), (20, 20), (24, 24), (30, 30)], (16, 8), 10
    )
    paddle.seed(0)
    model = TinyYOLOv3(layout, in_channels=1, width=0.5)
    rng = np.random.default_rng(0)
    images = paddle.to_tensor(rng.uniform(-1, 1, (4, 1, 32, 32)).astype("float32"))
    target = np.zeros((4, 2, 5), np.float32)
    target[:, 0] = [3, 0.4, 0.5, 0.3, 0.4]
    out = model(images)
    assert out.shape == [4, 3 * 2 * 2 + 3 * 4 * 4, 15]
    loss_fn = YoloLoss(layout, (32, 32))
    optimizer = paddle.optimizer.Adam(1e-2, parameters=model.parameters())
    losses = []
    for _ in range(8):
        loss = loss_fn(model(images), paddle.to_tensor(target))
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        losses.append(float(loss))
    assert losses[-1] < 0.5 * losses[0]


def test_objectness_prior_sets_only_the_objectness_biases():
    layout = HeadLayout.from_anchors(
        [(8, 8), (12, 12), (16, 16), (20, 20), (24, 24), (30, 30)], (16, 8), 2
    )
    course, prior = TinyYOLOv3(layout, 1, 0.5), TinyYOLOv3(layout, 1, 0.5, objectness_prior=0.01)
    for out in (prior.block_out_0, prior.block_out_1):
        bias = out.bias.numpy().reshape(3, 7)  # [anchors, 5 + classes]
        assert np.allclose(1 / (1 + np.exp(-bias[:, 4])), 0.01)
        assert (np.delete(bias, 4, axis=1) == 0).all()
    assert (course.block_out_0.bias.numpy() == 0).all()


@pytest.mark.slow
def test_yolo_lesson_quick_resumes_exactly(tmp_path):
    from chapters.ch05_detection import yolo

    # a constant rate: with the default cosine, a 1-epoch run's schedule is not a 2-epoch one's;
    # flips on, so their draws are resumed too
    base = [
        "--quick",
        "--scenes",
        "32",
        "--no-visualdl",
        "--width",
        "0.5",
        "--schedule",
        "constant",
        "--flip",
        "dihedral",
    ]
    whole = yolo.main(base + ["--epochs", "2", "--output-dir", str(tmp_path / "whole")])
    yolo.main(base + ["--epochs", "1", "--output-dir", str(tmp_path / "part")])
    resumed = yolo.main(["--resume", "--epochs", "2", "--output-dir", str(tmp_path / "part")])
    assert [r["train_loss"] for r in resumed["history"]] == [
        r["train_loss"] for r in whole["history"]
    ]
    a, b = checkpoint_params(tmp_path / "whole"), checkpoint_params(tmp_path / "part")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    metrics = json.loads((tmp_path / "whole" / "metrics.json").read_text())
    assert (
        set(metrics["detection"]) == {"val", "test"}
        and metrics["oracle"]["loss_max_rel_diff"] < 1e-4
    )
    assert 0 <= metrics["detection"]["test"]["map"] <= 1
    check_outputs("chapters.ch05_detection.yolo", tmp_path / "whole", without={"vdl/"})


def test_boxes_lesson_quick(tmp_path):
    from chapters.ch05_detection import boxes

    r = boxes.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch05_detection.boxes", tmp_path)
    assert [round(v, 6) for v in r["iou"].values()] == list(boxes.TARGET_IOUS)
    assert (
        r["nms_example"]["same as paddle"]
        and r["nms_example"]["kept"] < r["nms_example"]["candidates"]
    )
    assert all(t["identical to paddle"] == t["trials"] for t in r["nms_trials"].values())
    assert (
        r["anchors"]["k-means, 6 anchors"]["mean best IoU"]
        > r["anchors"]["COCO's 9, scaled to the input"]["mean best IoU"]
    )
    assert all(o["max difference"] < 1e-3 for o in r["oracle"].values())
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["quick"] is True
    assert {p.name for p in (tmp_path / "plots").iterdir()} == {"iou.png", "nms.png", "anchors.png"}


@pytest.mark.slow
def test_map_lesson_quick_trains_its_detector_then_explains_map(tmp_path):
    from chapters.ch05_detection import map as map_lesson

    r = map_lesson.main(["--quick", "--output-dir", str(tmp_path), "--images", "3"])
    weights = tmp_path / "model" / "checkpoints" / "index.json"
    assert checkpoint_params(tmp_path / "model", "best")  # trained first
    check_outputs("chapters.ch05_detection.map", tmp_path)
    made = weights.stat().st_mtime_ns
    assert set(r["nms"]) == {"0.1", "0.3", "0.45", "0.6", "0.8", "0.95", "none"}
    assert all(0 <= row["mAP"] <= 1 for row in [*r["nms"].values(), *r["score"].values()])
    with pytest.raises(FolderError, match="--overwrite"):  # its tables are kept
        map_lesson.main(["--quick", "--output-dir", str(tmp_path), "--images", "3"])
    again = map_lesson.main(
        ["--quick", "--output-dir", str(tmp_path), "--images", "3", "--overwrite"]
    )
    assert weights.stat().st_mtime_ns == made  # reused, not retrained
    assert again["nms"]["0.45"]["mAP"] == r["nms"]["0.45"]["mAP"]
    assert json.loads((tmp_path / "results.json").read_text())["quick"] is True


def test_map_step_by_step_ranks_hits_duplicates_and_misses():
    from chapters.ch05_detection.map import step_by_step, sweep

    # two images, class 1: image 0 has two boxes, image 1 one; anchors 0-3 of each image
    split = det_data.make_split(
        np.zeros((2, 1, 10, 10), np.uint8),
        [np.array([[0, 0, 4, 4], [5, 5, 9, 9.0]]), np.array([[1, 1, 5, 5.0]])],
        [[1, 1], [1]],
        [[False, False], [False]],
        ["a", "b"],
        10,
        10,
        2,
    )
    boxes = np.array(
        [
            [[0, 0, 0.4, 0.4], [0, 0, 0.41, 0.4], [0.6, 0, 1, 0.3], [0, 0, 0, 0]],
            [[0.1, 0.1, 0.5, 0.5], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        ]
    )
    scores = np.zeros((2, 4, 2))
    scores[0, :3, 1] = [0.9, 0.8, 0.6]  # a hit, its duplicate (NMS off below), a miss
    scores[1, 0, 1] = 0.7  # a hit
    step = step_by_step(boxes, scores, split, 2, ["zero", "one"])
    assert step["class"] == "one" and step["boxes"] == 3
    # NMS at 0.45 removes the duplicate (IoU 0.98): ranked 0.9 TP, 0.7 TP, 0.6 FP
    assert [r["outcome"] for r in step["ranked"]] == ["TP", "TP", "FP: no box of its class"]
    assert [r["recall"] for r in step["ranked"]] == pytest.approx([1 / 3, 2 / 3, 2 / 3])
    assert step["ap"] == pytest.approx(2 / 3) and step["map"] == pytest.approx(2 / 3)
    rows = sweep(boxes, scores, split, 2, "nms_thresh", (0.45, None))
    assert rows["0.45"]["mAP"] == pytest.approx(2 / 3)
    assert rows["none"]["mAP"] < rows["0.45"]["mAP"]  # the duplicate costs precision
    assert rows["none"]["detections per image"] == 2.0


def test_yolo_refuses_a_folder_with_fewer_boxes_than_anchors_before_training(tmp_path):
    from chapters.ch05_detection import yolo

    root = tmp_path / "few"
    write_voc(root / "train", {"1": INSECTS["1"], "2": INSECTS["2"]})
    write_voc(root / "val", {"3": INSECTS["3"], "4": INSECTS["3"]})
    with pytest.raises(DataError, match=r"hold 3 box\(es\): the detector fits its 6 anchors"):
        yolo.main(["--data", str(root), "--quick", "--output-dir", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()
