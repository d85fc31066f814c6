"""django-q2 entry points: thin, they take ids and call one service. `sweep` runs on a schedule."""


def train_model(job_pk: int) -> None:
    from modeling.services.training.worker import training_job_run

    training_job_run(job_pk=job_pk)


def run_loop_job(job_pk: int) -> None:
    from modeling.services.loop.jobs import loop_job_run

    loop_job_run(job_pk=job_pk)


def run_analyze_job(job_pk: int) -> None:
    """A runtime job whose web process died, handed over by the sweep."""
    from modeling.services.runtime.jobs import analyze_job_run

    analyze_job_run(job_pk=job_pk)


def sweep() -> None:
    """Scheduled every minute (migration `0004_sweep_schedule`): jobs whose process died are marked failed and
    expired runtime jobs go, and so do the staging projects of imports whose process died. Reads never do this; a GET
    only reports what the sweep left."""
    from annotation.services.staging import staging_discard_abandoned
    from modeling.services.loop.jobs import loop_jobs_expire, loop_jobs_fail_stale
    from modeling.services.runtime.jobs import analyze_jobs_expire, analyze_jobs_recover
    from modeling.services.training.sweeps import training_jobs_fail_stale, training_jobs_requeue_waiting

    training_jobs_fail_stale()
    training_jobs_requeue_waiting()  # training jobs no worker claimed (a task Redis lost) go to the queue again
    analyze_jobs_recover()  # runtime jobs whose process died run again in the worker, or fail
    analyze_jobs_expire()
    loop_jobs_fail_stale()
    loop_jobs_expire()
    staging_discard_abandoned()
