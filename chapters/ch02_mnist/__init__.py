"""Chapter 2: handwritten digits (MNIST), from data to a trained, resumable model."""

# the lessons in the course's order (the report shows them so)
LESSONS = (
    "data_process",
    "MNIST_network",
    "FFN",
    "loss",
    "optimizers",
    "initializers",
    "regularization",
    "debugging",
    "train",
    "seeds",
    "resume",
    "distributed",
    "parameter_server",
    "export",
)
