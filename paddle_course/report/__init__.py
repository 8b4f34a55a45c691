"""The course report: every lesson run by one command (``python -m chapters.report``), its
results gathered, the course's claims checked against them."""
