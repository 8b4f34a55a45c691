"""The oracle beside the detector: our YOLOv3 loss and box decoding against Paddle's own operators
(``paddle.vision.ops.yolo_loss`` and ``yolo_box``) on a batch of a trained model's outputs."""

import numpy as np
import paddle

from paddle_course.detection.decode import decode, paddle_yolo_box
from paddle_course.detection.yolo_loss import YoloLoss, paddle_yolo_loss


def oracle_check(model, loader, data):
    """Our loss and decoding beside Paddle's operators on the first test batch of the model."""
    images, target = next(iter(loader))
    model.eval()
    with paddle.no_grad():
        out = model(images)
    size = (data.image_size,) * 2
    ours = YoloLoss(model.layout, size).per_image(out, target).numpy()
    theirs = paddle_yolo_loss(out, target, model.layout, size).numpy()
    boxes, scores = decode(out, model.layout, size, size=size, clip=False)
    ref_boxes, ref_scores = paddle_yolo_box(out, model.layout, size, size)
    return {
        "images": int(len(ours)),
        "loss_ours": float(ours.mean()),
        "loss_paddle": float(theirs.mean()),
        "loss_max_rel_diff": float(np.max(np.abs(ours - theirs) / np.abs(theirs))),
        "box_max_abs_diff_px": float(np.abs(boxes - ref_boxes).max()),
        "score_max_abs_diff": float(np.abs(scores - ref_scores).max()),
    }
