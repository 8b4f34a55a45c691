"""Chapter 1: a neural network and gradient descent from scratch in numpy, then the same in Paddle."""
