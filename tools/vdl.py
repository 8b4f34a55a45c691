"""VisualDL logging that survives a resume, and that degrades to nothing when switched off.

View the logs with ``visualdl --logdir <output-dir>/vdl --host 127.0.0.1 -L en`` (``-L en``:
the VisualDL server answers HTTP 500 when the browser sends no language it supports).

VisualDL shows only the newest ``vdlrecords.*.log`` file of a directory, and a writer truncates
the file it opens. So when a run resumes, the logger copies the scalars of the previous file(s)
up to the resumed global step into its new file and removes the old ones: the curves continue
where the checkpoint left off, and points logged after that checkpoint (by a run that crashed
before saving again) are dropped, as they no longer belong to this run's history. Histograms and
images of earlier sessions are not carried over.
"""

import importlib.util
import struct
import tempfile
import time
from pathlib import Path

from paddle_course.runtime.manifest import written


class VisualDLLogger:
    def __init__(self, logdir, enabled=True, resume_step=None):
        """``resume_step``: the global step a resumed run continues from (None: a fresh run)."""
        self.logdir = Path(logdir)
        self.writer = None
        self.enabled = False
        if not enabled:
            print("VisualDL: off (--no-visualdl); no logs written")
            return
        if importlib.util.find_spec("visualdl") is None:
            print("VisualDL: not installed (pip install visualdl); no logs written")
            return
        from visualdl import LogWriter

        written(f"{self.logdir}/")  # VisualDL writes this folder: all of it is the run's
        old_files = sorted(self.logdir.glob("vdlrecords.*.log*"))
        # read before writing: a new writer could otherwise truncate a file of the same name
        carried = self._read_scalars(old_files, resume_step) if resume_step is not None else []
        # nanoseconds in the name: unique, and newer than VisualDL's own second-based names
        self.writer = LogWriter(
            logdir=str(self.logdir), file_name=f"vdlrecords.{time.time_ns()}.log"
        )
        for tag, value, step, walltime in carried:
            self.writer.add_scalar(tag, value, step, walltime=walltime)
        self.writer.flush()
        for f in old_files:
            f.unlink()
        self.enabled = True

    @staticmethod
    def _read_scalars(files, upto):
        from visualdl import LogReader

        records = []
        with tempfile.TemporaryDirectory() as tmp:
            for f in files:
                # a run killed while VisualDL appended leaves a torn last record: read the
                # whole ones (VisualDL's reader would fail on the file, forever)
                whole = Path(tmp) / f.name
                whole.write_bytes(whole_records(f.read_bytes()))
                reader = LogReader(file_path=str(whole))
                for tag in reader.get_tags().get("scalar", []):
                    records += [
                        (tag, r.value, r.id, r.timestamp)
                        for r in reader.get_data("scalar", tag)
                        if r.id <= upto
                    ]
        return records

    def scalar(self, tag, value, step):
        if self.writer:
            self.writer.add_scalar(tag, float(value), step)

    def histogram(self, tag, values, step, buckets=10):
        if self.writer:
            self.writer.add_histogram(tag, values, step, buckets=buckets)

    def image(self, tag, image, step):
        """``image``: uint8 array [H, W] or [H, W, C]."""
        if self.writer:
            self.writer.add_image(tag, image, step, dataformats="HW" if image.ndim == 2 else "HWC")

    def curve(self, kind, tag, labels, scores, step, num_thresholds=101):
        """A ``"roc"`` or ``"pr"`` curve of 0/1 ``labels`` and ``scores`` (probabilities in
        [0, 1]), at ``num_thresholds`` evenly spaced thresholds (positive: score >= threshold).

        VisualDL 2.5.3's own ``add_roc_curve``/``add_pr_curve`` fail with NumPy >= 1.24 (they
        call ``np.float``) and its ROC divides true positives by the number of negatives, so we
        count here and hand VisualDL the finished record (its ``*_curve_raw`` packers)."""
        if not self.writer:
            return
        import numpy as np
        from visualdl.component.base_component import pr_curve_raw, roc_curve_raw

        labels = np.asarray(labels).reshape(-1) > 0.5
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        called = scores[None, :] >= np.linspace(0, 1, num_thresholds)[:, None]  # [T, N]
        tp = (called & labels).sum(1)
        fp = (called & ~labels).sum(1)
        fn, tn = labels.sum() - tp, (~labels).sum() - fp
        rate = lambda a, b: (a / np.maximum(a + b, 1)).tolist()
        counts = dict(tp=tp.tolist(), fp=fp.tolist(), tn=tn.tolist(), fn=fn.tolist())
        if kind == "roc":
            record = roc_curve_raw(
                tag=tag,
                tpr=rate(tp, fn),
                fpr=rate(fp, tn),
                step=step,
                walltime=round(time.time() * 1000),
                **counts,
            )
        else:
            record = pr_curve_raw(
                tag=tag,
                precision=rate(tp, fp),
                recall=rate(tp, fn),
                step=step,
                walltime=round(time.time() * 1000),
                **counts,
            )
        self.writer._get_file_writer().add_record(record)

    def embeddings(self, tag, vectors, labels):
        """Rows of ``vectors`` [N, D] named by ``labels`` (N strings), for VisualDL's embedding
        view (PCA / t-SNE / UMAP projections, nearest neighbours of a chosen point)."""
        if self.writer:
            self.writer.add_embeddings(
                tag,
                mat=[[float(x) for x in row] for row in vectors],
                metadata=[str(label) for label in labels],
                walltime=round(time.time() * 1000),
            )

    def flush(self):
        """Write what VisualDL holds in memory to the log file (a checkpoint is written only
        after the points logged up to its step are)."""
        if self.writer:
            self.writer.flush()

    def close(self):
        if self.writer:
            self.writer.close()
            self.writer = None


def whole_records(data):
    """The longest prefix of ``data`` (a ``vdlrecords`` file: records of an 8-byte little-endian
    length, then that many bytes) that holds only whole records."""
    end = 0
    while end + 8 <= len(data):
        (length,) = struct.unpack_from("<Q", data, end)
        if end + 8 + length > len(data):
            break
        end += 8 + length
    return data[:end]
