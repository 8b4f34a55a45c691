"""Chapter 3: training practice, every rule of thumb measured on real digits."""

# the lessons in the course's order (the report shows them so)
LESSONS = (
    "validation",
    "initialization",
    "schedules",
    "augmentation",
    "batch_size",
    "finetune",
    "bn_fusion",
    "visualize",
    "recipe",
)
