"""SIGINT (Ctrl-C) and SIGTERM (``kill``, a job scheduler, the distributed launcher) as requests.

The signal handler only records the request; the training loop checks it after every step, so a
step is never cut in half and the checkpoint written afterwards is consistent. A second Ctrl-C
while the first is being handled stops at once (a user who insists gets their terminal back).
"""

import signal
import threading


class StopRequest:
    """Context manager that turns SIGINT/SIGTERM into ``self.signum`` while it is active."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.signum = None
        self._previous = {}

    def _handle(self, signum, frame):
        if self.signum is not None and signum == signal.SIGINT:
            raise KeyboardInterrupt  # second Ctrl-C: give up on the graceful stop
        self.signum = signum

    def __enter__(self):
        # Handlers can only be installed from the main thread; elsewhere signals keep their
        # default behaviour and the loop simply never sees a request.
        if threading.current_thread() is threading.main_thread():
            for s in self.SIGNALS:
                self._previous[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._previous.clear()
        return False
