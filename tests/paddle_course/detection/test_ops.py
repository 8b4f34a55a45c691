"""Chapter 5's pieces, each against an oracle: Paddle's own operators (nms, yolo_loss, yolo_box)
or average precision worked out by hand."""

import numpy as np
import paddle
import pytest

from paddle_course.detection import boxes as B
from paddle_course.detection.anchors import HeadLayout, kmeans_anchors, shape_iou
from paddle_course.detection.average_precision import (
    MeanAP,
    average_precision,
    evaluate_detections,
    match,
)
from paddle_course.detection.decode import Detections, decode, paddle_yolo_box, postprocess
from paddle_course.detection.yolo_loss import YoloLoss, paddle_yolo_loss, split_outputs

LAYOUT = HeadLayout.from_anchors(
    [(8, 9), (12, 14), (15, 20), (20, 18), (25, 30), (33, 28)], (16, 8), 3
)
IMAGE = (64, 64)


def random_boxes(rng, n, size=100.0):
    xy = rng.uniform(0, size * 0.8, (n, 2))
    return np.concatenate([xy, xy + rng.uniform(2, size * 0.4, (n, 2))], axis=1)


def random_targets(rng, n, b, classes=3):
    t = np.zeros((n, b, 5), np.float32)
    for i in range(n):
        k = rng.integers(1, b + 1)
        wh = rng.uniform(0.08, 0.5, (k, 2))
        t[i, :k] = np.column_stack(
            [rng.integers(0, classes, k), rng.uniform(wh / 2, 1 - wh / 2), wh]
        )
    return t


def n_predictions(layout=LAYOUT, image=IMAGE):
    return sum(len(m) * h * w for (h, w), m in zip(layout.grids(image), layout.masks))


# --- boxes ----------------------------------------------------------------------------------------


def test_box_formats_round_trip_and_iou_by_hand():
    xyxy = np.array([[10, 20, 50, 80.0]])
    assert np.allclose(B.xyxy_to_xywh(xyxy), [[10, 20, 40, 60]])
    assert np.allclose(B.xyxy_to_cxcywh(xyxy), [[30, 50, 40, 60]])
    assert np.allclose(B.cxcywh_to_xyxy(B.xyxy_to_cxcywh(xyxy)), xyxy)
    assert np.allclose(B.xywh_to_xyxy(B.xyxy_to_xywh(xyxy)), xyxy)
    assert np.allclose(B.denormalize(B.normalize(xyxy, 200, 100), 200, 100), xyxy)
    assert np.allclose(B.normalize(xyxy, 200, 100), [[0.05, 0.2, 0.25, 0.8]])
    # two 2x2 squares overlapping in a 1x2 strip: 2 / (4 + 4 - 2)
    assert B.box_iou_xyxy([0, 0, 2, 2], [1, 0, 3, 2]) == pytest.approx(1 / 3)
    assert B.box_iou_xyxy([0, 0, 1, 1], [2, 2, 3, 3]) == 0
    assert B.box_iou_xywh([1, 1, 2, 2], [2, 1, 2, 2]) == pytest.approx(1 / 3)


def test_iou_matrix_is_the_pairwise_iou():
    rng = np.random.default_rng(1)
    a, b = random_boxes(rng, 7), random_boxes(rng, 5)
    m = B.iou_matrix(a, b)
    assert m.shape == (7, 5)
    for i in range(7):
        for j in range(5):
            assert m[i, j] == pytest.approx(B.box_iou_xyxy(a[i], b[j]))
    assert np.allclose(np.diag(B.iou_matrix(a, a)), 1)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_nms_equals_paddle(threshold):
    rng = np.random.default_rng(int(threshold * 10))
    boxes, scores = random_boxes(rng, 200), rng.uniform(size=200)
    ours = B.nms(boxes, scores, threshold)
    theirs = paddle.vision.ops.nms(
        paddle.to_tensor(boxes, dtype="float32"),
        threshold,
        paddle.to_tensor(scores, dtype="float32"),
    ).numpy()
    assert 10 < len(ours) < 200  # the case suppresses some boxes and keeps others
    assert np.array_equal(ours, theirs)


def test_nms_default_threshold_is_paddles():
    rng = np.random.default_rng(5)
    boxes, scores = random_boxes(rng, 100), rng.uniform(size=100)
    order = np.argsort(-scores)
    # without scores Paddle takes the boxes as already sorted best first
    theirs = paddle.vision.ops.nms(paddle.to_tensor(boxes[order], dtype="float32")).numpy()
    assert np.array_equal(B.nms(boxes, scores), order[theirs])


def test_multiclass_nms_equals_paddle_per_category():
    rng = np.random.default_rng(3)
    boxes, scores, classes = random_boxes(rng, 150), rng.uniform(size=150), rng.integers(0, 4, 150)
    ours = B.multiclass_nms(boxes, scores, classes, 0.45, top_k=40)
    theirs = paddle.vision.ops.nms(
        paddle.to_tensor(boxes, dtype="float32"),
        0.45,
        paddle.to_tensor(scores, dtype="float32"),
        paddle.to_tensor(classes),
        categories=[0, 1, 2, 3],
        top_k=40,
    ).numpy()
    assert np.array_equal(ours, theirs)
    # a box is never suppressed by a box of another class
    same = B.iou_matrix(boxes, boxes) > 0.45
    assert len(B.multiclass_nms(boxes, scores, classes, 0.45)) > len(B.nms(boxes, scores, 0.45))
    assert same.sum() > len(boxes)


# --- anchors ------------------------------------------------------------------------------------


def test_kmeans_finds_the_shapes_of_clustered_boxes():
    rng = np.random.default_rng(0)
    centres = np.array([[10, 10], [30, 15], [20, 50]])
    wh = np.concatenate([c * rng.uniform(0.95, 1.05, (100, 2)) for c in centres])
    anchors, mean_iou = kmeans_anchors(wh, 3, seed=1)
    assert np.allclose(anchors, centres[np.argsort(centres.prod(1))], rtol=0.03)
    assert mean_iou > 0.9
    assert shape_iou([[10, 10]], [[10, 10], [20, 5]])[0].tolist() == [1.0, pytest.approx(50 / 150)]


def test_head_layout_gives_large_anchors_to_the_coarse_output():
    assert LAYOUT.strides == (16, 8)
    assert LAYOUT.masks == ((3, 4, 5), (0, 1, 2))
    assert LAYOUT.grids(IMAGE) == [(4, 4), (8, 8)]
    with pytest.raises(ValueError, match="multiple of every stride"):
        LAYOUT.grids((60, 64))


# --- the YOLOv3 loss and decoding against Paddle's operators -------------------------------------


def test_yolo_loss_and_its_gradient_equal_paddles():
    rng = np.random.default_rng(0)
    out = paddle.to_tensor(
        rng.normal(0, 1, (4, n_predictions(), 8)).astype("float32"), stop_gradient=False
    )
    target = random_targets(rng, 4, 5)
    ours = YoloLoss(LAYOUT, IMAGE).per_image(out, target)
    theirs = paddle_yolo_loss(out, target, LAYOUT, IMAGE)
    assert np.allclose(ours.numpy(), theirs.numpy(), rtol=1e-5)
    (g_ours,) = paddle.grad(ours.sum(), out)
    (g_theirs,) = paddle.grad(theirs.sum(), out)
    assert np.allclose(g_ours.numpy(), g_theirs.numpy(), atol=1e-6)
    assert np.abs(g_theirs.numpy()).max() > 0.1


def test_yolo_loss_equals_paddles_when_predictions_are_ignored():
    """Outputs that already predict the boxes well: the ignore threshold (IoU > 0.7) drops
    their background term, the case random outputs rarely reach."""
    rng = np.random.default_rng(2)
    target = random_targets(rng, 3, 4)
    out = rng.normal(0, 0.1, (3, n_predictions(), 8)).astype("float32")
    parts = split_outputs(paddle.to_tensor(out), LAYOUT, IMAGE)
    offsets = np.cumsum([0] + [int(np.prod(p.shape[1:4])) for p in parts])
    ignored = 0
    for s, ((h, w), mask, stride) in enumerate(
        zip(LAYOUT.grids(IMAGE), LAYOUT.masks, LAYOUT.strides)
    ):
        view = out[:, offsets[s] : offsets[s + 1]].reshape(3, len(mask), h, w, 8)
        for i in range(3):
            for _, cx, cy, bw, bh in target[i][target[i, :, 3] > 0]:
                gi, gj = int(cx * w), int(cy * h)
                for k, a in enumerate(mask):
                    # every anchor of the cell predicts the box (sigmoid^-1 of the offset)
                    fx, fy = np.clip([cx * w - gi, cy * h - gj], 0.02, 0.98)
                    view[i, k, gj, gi, :4] = [
                        np.log(fx / (1 - fx)),
                        np.log(fy / (1 - fy)),
                        np.log(bw * stride * w / LAYOUT.anchors[a][0]),
                        np.log(bh * stride * h / LAYOUT.anchors[a][1]),
                    ]
                    ignored += 1
    x = paddle.to_tensor(out)
    ours, theirs = (
        YoloLoss(LAYOUT, IMAGE).per_image(x, target),
        paddle_yolo_loss(x, target, LAYOUT, IMAGE),
    )
    assert ignored > 10
    assert np.allclose(ours.numpy(), theirs.numpy(), rtol=1e-5)
    no_ignore = YoloLoss(LAYOUT, IMAGE, ignore_thresh=1.01).per_image(x, target)
    assert (no_ignore.numpy() > ours.numpy() + 0.1).all()  # the ignore test changed the loss


def test_decode_equals_yolo_box():
    rng = np.random.default_rng(4)
    out = rng.normal(0, 1, (2, n_predictions(), 8)).astype("float32")
    size = (48, 80)  # an image of 80 x 48 pixels
    boxes, scores = decode(out, LAYOUT, IMAGE, size=size, conf_thresh=0.3, clip=False)
    theirs_b, theirs_s = paddle_yolo_box(out, LAYOUT, IMAGE, size, conf_thresh=0.3)
    assert (theirs_s == 0).any()  # some fell under the threshold
    assert np.allclose(boxes, theirs_b, atol=1e-3)
    assert np.allclose(scores, theirs_s, atol=1e-6)


def test_postprocess_thresholds_and_suppresses_within_a_class():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [0, 0, 10, 10], [50, 50, 60, 60.0]])
    scores = np.array([[0.9, 0.0], [0.8, 0.0], [0.0, 0.7], [0.005, 0.0]])
    d = postprocess(boxes, scores, score_thresh=0.01, nms_thresh=0.45)
    assert d.scores.tolist() == [0.9, 0.7] and d.classes.tolist() == [0, 1]  # box 1 suppressed
    assert len(postprocess(boxes, scores, nms_thresh=None)) == 3


# --- average precision by hand --------------------------------------------------------------------


def det(boxes, scores, classes):
    return Detections(
        np.array(boxes, float).reshape(-1, 4), np.array(scores, float), np.array(classes, int)
    )


GT_A = np.array([[0, 0, 10, 10], [20, 20, 30, 30.0]])


def test_ap_of_a_missed_box_and_a_duplicate():
    # image 1: two boxes of class 0; detections: a hit (0.9), a duplicate of it (0.8), a miss
    # of the second box (0.6, no overlap); image 2: one box, found (0.7)
    dets = [
        det([[0, 0, 10, 10], [0, 0, 10, 9.5], [50, 50, 60, 60]], [0.9, 0.8, 0.6], [0, 0, 0]),
        det([[5, 5, 15, 15]], [0.7], [0]),
    ]
    gts = [(GT_A, [0, 0]), (np.array([[5, 5, 15, 15.0]]), [0])]
    assert match(dets[0].boxes, dets[0].classes, GT_A, [0, 0]).tolist() == [1, 0, 0]
    r = evaluate_detections(dets, gts, 1)
    # ranked: 0.9 TP, 0.8 FP, 0.7 TP, 0.6 FP; 3 boxes. P = 1, 1/2, 2/3, 2/4; R = 1/3, 1/3, 2/3, 2/3
    # all-point: envelope 1 on [0, 1/3], 2/3 on [1/3, 2/3], nothing beyond: 1/3 + 2/9
    assert r["ap"][0] == pytest.approx(1 / 3 + 2 / 9)
    # 11 points: recall 0..0.3 -> 1 (4 points), 0.4..0.6 -> 2/3 (3 points), 0.7..1 -> 0
    assert evaluate_detections(dets, gts, 1, method="11point")["ap"][0] == pytest.approx(
        (4 + 2) / 11
    )


def test_ap_of_two_classes_and_a_class_without_ground_truth():
    dets = [det([[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10]], [0.9, 0.8, 0.3], [0, 1, 2])]
    gts = [(GT_A, [0, 1])]
    r = evaluate_detections(dets, gts, 3)
    assert r["ap"] == {0: 1.0, 1: 1.0, 2: None}  # class 2: no box, no AP, not averaged
    assert r["map"] == 1.0
    # wrong class: a detection of class 1 on the class-0 box is a false positive
    r = evaluate_detections([det([[0, 0, 10, 10]], [0.9], [1])], gts, 2)
    assert r["ap"] == {0: 0.0, 1: 0.0} and r["map"] == 0.0


def test_ap_threshold_and_difficult_boxes():
    half = det([[0, 0, 10, 5]], [0.9], [0])  # IoU exactly 0.5: not above it
    assert evaluate_detections([half], [(GT_A[:1], [0])], 1)["map"] == 0.0
    assert evaluate_detections([half], [(GT_A[:1], [0])], 1, iou_threshold=0.49)["map"] == 1.0
    # a detection of a difficult box is ignored, and the box is not counted as missed
    r = evaluate_detections([det([[0, 0, 10, 10]], [0.9], [0])], [(GT_A, [0, 0], [True, False])], 1)
    assert r["ap"][0] == 0.0 and r["positives"] == [1] and r["detections"] == [1]
    r = evaluate_detections(
        [det([[20, 20, 30, 30]], [0.9], [0])], [(GT_A, [0, 0], [True, False])], 1
    )
    assert r["ap"][0] == 1.0


def test_average_precision_of_a_perfect_and_an_empty_curve():
    assert average_precision([1, 1], [0.5, 1.0]) == 1.0
    assert average_precision([], []) == 0.0
    with pytest.raises(ValueError):
        average_precision([1], [1], method="coco")


def test_binned_metric_matches_the_exact_map_and_adds_up_over_batches():
    """Detections made from the targets (jittered boxes, random scores, some wrong classes, some
    spurious): the binned metric's mAP against the exact one, and batch sums against one batch."""
    rng = np.random.default_rng(7)
    target = random_targets(rng, 40, 4)
    gts, made = [], []
    for t in target:
        t = t[t[:, 3] > 0]
        boxes = B.cxcywh_to_xyxy(t[:, 1:5])
        gts.append((boxes, t[:, 0].astype(int)))
        found = np.concatenate(
            [boxes + rng.normal(0, 0.03, boxes.shape), rng.uniform(0, 1, (2, 4))]
        )
        classes = np.concatenate(
            [
                np.where(rng.uniform(size=len(t)) < 0.8, t[:, 0], (t[:, 0] + 1) % 3),
                rng.integers(0, 3, 2),
            ]
        ).astype(int)
        scores = rng.uniform(size=len(found))
        order = np.argsort(-scores)
        made.append(det(found[order], scores[order], classes[order]))
    index = np.arange(40)[:, None]  # the "outputs": which image's detections
    metric = MeanAP(lambda o: [made[int(i)] for i in np.asarray(o)[:, 0]], 3)
    sums = metric.stats(index[:15], target[:15]) + metric.stats(index[15:], target[15:])
    exact = evaluate_detections(made, gts, 3)["map"]
    assert 0.2 < exact < 0.9
    assert metric.value(sums) == pytest.approx(exact, abs=2e-3)
    assert np.array_equal(sums, metric.stats(index, target))
    coarse = MeanAP(metric.detect, 3, bins=4)  # 4 bins: ties that the exact AP breaks
    assert coarse.stats(index, target).shape == (3 * (2 * 4 + 1),)
    assert coarse.value(coarse.stats(index, target)) != pytest.approx(exact, abs=2e-3)


# --- flips: the boxes follow the image ----------------------------------------------------------


@pytest.mark.parametrize("symmetry", [(t, h, v) for t in (0, 1) for h in (0, 1) for v in (0, 1)])
def test_flipped_boxes_are_the_ink_boxes_of_the_flipped_image(symmetry):
    from paddle_course.detection.augment import flip_boxes, flip_image
    from paddle_course.detection.digit_scenes import ink_box

    image = np.zeros((1, 40, 40), np.float32)
    image[0, 4:10, 20:34] = 1  # a box x 20..34, y 4..10
    target = np.array([[2, 27 / 40, 7 / 40, 14 / 40, 6 / 40], [0, 0, 0, 0, 0]], np.float32)
    flipped = flip_image(paddle.to_tensor(image), *symmetry).numpy()[0]
    t = flip_boxes(target, *symmetry)
    x1, y1, x2, y2 = ink_box(flipped)
    assert np.allclose(t[0], [2, (x1 + x2) / 80, (y1 + y2) / 80, (x2 - x1) / 40, (y2 - y1) / 40])
    assert (t[1] == 0).all()  # padding stays padding


def test_random_flip_is_seeded_and_the_trainer_passes_it_the_target():
    from paddle_course.data import make_loader
    from paddle_course.detection.augment import RandomFlip
    from paddle_course.engine import Monitor, Trainer
    from paddle_course.engine.progress import Progress

    images = paddle.to_tensor(np.random.default_rng(0).normal(size=(6, 1, 8, 8)).astype("float32"))
    target = paddle.to_tensor(random_targets(np.random.default_rng(1), 6, 2))
    flip = RandomFlip("dihedral")
    a = flip(images, target, np.random.default_rng(3))
    b = flip(images, target, np.random.default_rng(3))
    assert np.array_equal(a[0].numpy(), b[0].numpy()) and np.array_equal(a[1].numpy(), b[1].numpy())
    whole = flip(images, target, np.random.default_rng(3), part=(0, 1))
    halves = [
        flip(
            images[3 * r : 3 * r + 3],
            target[3 * r : 3 * r + 3],
            np.random.default_rng(3),
            part=(r, 2),
        )
        for r in (0, 1)
    ]
    assert np.array_equal(np.concatenate([h[1].numpy() for h in halves]), whole[1].numpy())

    seen = []

    def loss_fn(outputs, t):
        seen.append(t.numpy())
        return outputs.mean() * 0 + float(t.sum())

    model = paddle.nn.Linear(8, 1)
    x = np.random.default_rng(2).normal(size=(4, 1, 8, 8)).astype("float32")
    y = random_targets(np.random.default_rng(4), 4, 2)
    trainer = Trainer(
        model,
        paddle.optimizer.SGD(0.0, parameters=model.parameters()),
        loss_fn=loss_fn,
        metrics=(),
        augment=flip,
        monitor=Monitor("train_loss", "min"),
        progress=Progress(enabled=False),
    )
    trainer.fit(make_loader((x, y), 4), None, 1)
    expected = flip(paddle.to_tensor(x), paddle.to_tensor(y), np.random.default_rng([0, 0, 0, 0]))[
        1
    ]
    assert np.array_equal(seen[0], expected.numpy()) and not np.array_equal(seen[0], y)
