"""django-q2 entry points: thin, they take ids and call one service."""


def train_model(job_pk: int) -> None:
    from modeling.services.training import training_job_run

    training_job_run(job_pk=job_pk)
