"""The lesson harness: the flags every lesson shares, the run folder, the training job,
comparisons of variants, result tables, and the entry point that turns errors into exit codes.

What a lesson's module uses from it, in one import::

    from paddle_course.lesson import count, entry, lesson, lesson_parser

    @lesson
    def main(argv=None):
        args = lesson_parser(__doc__, DEFAULTS, quick=dict(epochs=1)).parse_args(argv)
        ...

    if __name__ == "__main__":
        entry(main)
"""

from paddle_course.lesson.entry import entry
from paddle_course.lesson.flags import (
    MAX_BATCH,
    MAX_PROCESSES,
    SEED,
    Number,
    at_most,
    count,
    non_negative,
    positive,
)
from paddle_course.lesson.protocol import lesson, lesson_parser

__all__ = [
    "lesson",
    "lesson_parser",
    "entry",
    "Number",
    "count",
    "positive",
    "non_negative",
    "SEED",
    "MAX_BATCH",
    "MAX_PROCESSES",
    "at_most",
]
