"""One package per chapter of the course, one runnable module per lesson."""
