"""One package per chapter of the course, one runnable module per lesson."""

# before any lesson imports Paddle: the process-wide settings and the filters of known-harmless
# third-party messages (paddle_course.runtime.environment)
import paddle_course  # noqa: F401
