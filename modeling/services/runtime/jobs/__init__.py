"""Analyze-text jobs (Azure's asynchronous runtime) and the synchronous analysis, on typed documents and tasks.

Tiny jobs run inside the request that submits them, so their results are ready at the SDK's first poll; such a
request waits for an analysis turn as a call does (`admission`, at most 10 s), and a job that gets none in time goes
to the background as the others do. The others run on a background thread of the serving process (`background`), so
no request thread waits on them and, as on Azure, a caller can cancel them. A job runs its custom entity recognition
tasks in order, recording each one as it ends; a task of a kind the studio does not run (key phrases, classification,
...) is failed when the job is submitted, with an error saying so, and the job ends as Azure's do
(`job_status_from`). A cancel stops a job before
its next task and cancels every task not done; cancelling a job that has ended is an error, as on Azure. Expired
jobs are swept by `analyze_jobs_expire` on a schedule, never by a read.

A process that dies (kill -9, out of memory, a host gone) loses the jobs on its thread, but not their records: the
process holding a job writes its heartbeat every 5 s, and the sweep (`analyze_jobs_recover`, every minute on
django-q2's schedule, and when `runstudio` starts) hands a job silent for `ORPHANED_AFTER` to the django-q2 worker,
which runs it again (the tasks done keep their results), or fails it if a process already died running it
(`RUN_ATTEMPTS_MAX`). A process that was only silent (not dead) may still be running the job then: each claim is
numbered, and only the latest claim's run records tasks, so two runs of a job never both record. So no job stays
`notStarted` or `running` past `RECOVERY_BOUND` of its process's death while the worker is free.

One module per step: `records` (what a job is made of and stores, both ways: its shape is described there, and
Azure's is built only when answering, in `modeling/apis/runtime/`), `submit` (the synchronous call, and a job's
checks and record), `run` (claim, run the tasks, record, finish; inline or on the background thread), `cancel`, and
`sweeps` (recovery and expiry). Callers import from here.
"""

from modeling.services.runtime.jobs.cancel import analyze_job_cancel
from modeling.services.runtime.jobs.records import (
    PARTIALLY_COMPLETED,
    UNFINISHED,
    JobError,
    JobTask,
    RuntimeTask,
    UnsupportedTask,
    job_documents,
    job_errors,
    job_status_from,
    job_tasks,
)
from modeling.services.runtime.jobs.run import analyze_job_run, analyze_jobs_drain
from modeling.services.runtime.jobs.submit import (
    DISPLAY_NAME_MAX,
    INLINE_MAX_CHARACTERS,
    analyze_job_submit,
    analyze_sync,
    unsupported_task_error,
)
from modeling.services.runtime.jobs.sweeps import (
    ORPHANED_AFTER,
    RECOVERY_BOUND,
    RUN_ATTEMPTS_MAX,
    STALE_ERROR,
    SWEEP_PERIOD,
    analyze_jobs_expire,
    analyze_jobs_recover,
)

__all__ = [
    "DISPLAY_NAME_MAX",
    "INLINE_MAX_CHARACTERS",
    "ORPHANED_AFTER",
    "PARTIALLY_COMPLETED",
    "RECOVERY_BOUND",
    "RUN_ATTEMPTS_MAX",
    "STALE_ERROR",
    "SWEEP_PERIOD",
    "UNFINISHED",
    "JobError",
    "JobTask",
    "RuntimeTask",
    "UnsupportedTask",
    "analyze_job_cancel",
    "analyze_job_run",
    "analyze_job_submit",
    "analyze_jobs_drain",
    "analyze_jobs_expire",
    "analyze_jobs_recover",
    "analyze_sync",
    "job_documents",
    "job_errors",
    "job_status_from",
    "job_tasks",
    "unsupported_task_error",
]
