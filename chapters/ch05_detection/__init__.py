"""Chapter 5: object detection: boxes, IoU and anchors, a YOLO-style detector, mAP."""

# the lessons in the course's order (the report shows them so)
LESSONS = ("boxes", "yolo", "map")
