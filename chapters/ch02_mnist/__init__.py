"""Chapter 2: handwritten digits (MNIST), from data to a trained, resumable model."""
