"""Chapter 3: training practice, every rule of thumb measured on real digits."""
