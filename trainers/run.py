"""fit(): train a project to the end in the calling thread's time, and return its history."""
import time

from .job import TrainingJob


def fit(project, progress=None, every_s: float = 1.0, **overrides) -> dict:
    """Blocking training run. `progress(snapshot)` is called about every `every_s` seconds.

    Returns {"status", "message", "error", "epochs", "steps", "final"} (see TrainingJob.history).
    A NaN/inf loss, which pauses an interactive job, ends a fit() run with status "stopped" and the message.
    """
    job = TrainingJob(project, **overrides)
    job.start()
    last = time.monotonic()
    while not job.join(0.05):
        if job.status == "paused":  # only a non-finite loss pauses a run nobody is watching
            job.stop()
            break
        if progress is not None and time.monotonic() - last >= every_s:
            progress(job.snapshot())
            last = time.monotonic()
    job.join()
    return job.history()
