"""django-q2 entry points: thin, they take ids and call one service. `sweep` runs on a schedule."""


def train_model(job_pk: int) -> None:
    from modeling.services.training.worker import training_job_run

    training_job_run(job_pk=job_pk)


def sweep() -> None:
    """Scheduled every minute (migration `0004_sweep_schedule`): jobs whose process died are marked failed and
    expired runtime jobs go. Reads never do this; a GET only reports what the sweep left."""
    from modeling.services.runtime.jobs import analyze_jobs_expire, analyze_jobs_fail_stale
    from modeling.services.training.sweeps import training_jobs_fail_stale

    training_jobs_fail_stale()
    analyze_jobs_fail_stale()
    analyze_jobs_expire()
