"""The practice kit (chapters 2 and 3): looking inside a network, counting FLOPs, deploying,
fine-tuning, what initializers should produce."""
