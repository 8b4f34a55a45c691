"""Chapter 4: computer vision (the course calls it chapter 3): conv basics, LeNet to ResNet, a
small ViT, the PALM fundus pipeline."""

# the lessons in the course's order (the report shows them so)
LESSONS = (
    "conv_basics",
    "batchnorm",
    "classic_nets",
    "input_size",
    "palm",
    "high_level_api",
    "vit",
)
