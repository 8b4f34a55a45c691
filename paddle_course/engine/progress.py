"""Progress while an epoch runs, and one summary line when it ends.

On a terminal the bar is ``tqdm``'s; when output goes to a file or a CI log (no TTY) a bar would
be a stream of carriage returns, so we print a plain line every ``interval`` seconds instead.
Summary lines go to stdout, progress to stderr.
"""

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, enabled=True, interval=15.0, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self._bar = None

    def start_epoch(self, epoch, epochs, total, done=0):
        if not self.enabled:
            return
        self._desc = f"epoch {epoch + 1}/{epochs}"
        self._total, self._done, self._last = total, done, time.time()
        if self.tty:
            self._bar = tqdm(
                total=total,
                initial=done,
                desc=self._desc,
                unit="batch",
                leave=False,
                file=self.stream,
                dynamic_ncols=True,
            )

    def update(self, values, percent=()):
        """One more batch; ``values`` the running ``{"loss": ..., metric: ...}`` of the epoch, the
        loss and the first metric shown (those named in ``percent`` as percentages)."""
        if not self.enabled:
            return
        self._done += 1
        shown = {k: f"{v:.2%}" if k in percent else f"{v:.4f}" for k, v in list(values.items())[:2]}
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(shown, refresh=False)
        elif time.time() - self._last >= self.interval:
            self._last = time.time()
            print(
                f"  {self._desc}  batch {self._done}/{self._total}  "
                + "  ".join(f"{k} {v}" for k, v in shown.items()),
                file=self.stream,
                flush=True,
            )

    def end_epoch(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def summary(self, line):
        if self.enabled:
            print(line, flush=True)


def format_metrics(values, percent=()):
    """``loss 0.1234  acc 97.20%  auc 0.9512``: percentages for the metrics named in ``percent``."""
    return "  ".join(f"{k} {v:.2%}" if k in percent else f"{k} {v:.4f}" for k, v in values.items())


def epoch_summary(record, epochs, improved, percent):
    parts = [f"epoch {record['epoch']:>3}/{epochs}"]
    for split in ("train", "val"):
        values = {k[len(split) + 1 :]: v for k, v in record.items() if k.startswith(f"{split}_")}
        if values:
            parts.append(f"{split} " + format_metrics(values, percent))
    parts += [f"lr {record['lr']:.3g}", f"{record['seconds']:.1f}s"]
    return "  ".join(parts) + ("  *best" if improved else "")
