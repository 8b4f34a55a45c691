"""Chapter 1: a neural network and gradient descent from scratch in numpy, then the same in
Paddle."""

# the lessons in the course's order (the report shows them so)
LESSONS = ("numpy_network", "numpy_optimizers", "numpy_mlp", "paddle_regressor")
