"""Speed measurements, run by hand (never by the test suite): ``python -m benchmarks``."""

# before any benchmark imports Paddle: the process-wide settings (MKL's path) and the filters of
# known-harmless third-party messages (paddle_course.runtime.environment)
import paddle_course  # noqa: F401
