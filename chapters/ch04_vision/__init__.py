"""Chapter 4: computer vision (the course calls it chapter 3): conv basics, LeNet to ResNet, a small ViT, the PALM fundus pipeline."""
