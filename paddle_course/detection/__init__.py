"""Chapter 5's library: boxes, anchors, augmentation, the YOLOv3 loss and decoding, mAP, the tiny
YOLOv3 network, and the detection datasets (digit scenes, Pascal VOC XML, aerial tree crowns)."""
