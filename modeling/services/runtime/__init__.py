"""The runtime on deployed models: prediction (`prediction`) and analyze-text jobs (`jobs`).

Typed arguments in, domain objects out; Azure's wire format is parsed and built in `modeling/apis/runtime/`.
"""

from modeling.services.runtime.jobs import (
    JobError,
    JobTask,
    RuntimeTask,
    UnsupportedTask,
    analyze_job_cancel,
    analyze_job_run,
    analyze_job_submit,
    analyze_jobs_expire,
    analyze_jobs_recover,
    analyze_sync,
    job_documents,
    job_errors,
    job_status_from,
    job_tasks,
)
from modeling.services.runtime.prediction import (
    Analysis,
    DocumentEntities,
    DocumentError,
    Entity,
    RuntimeDocument,
    batch_characters,
    deployment_predict,
    document_problem,
    documents_analyze,
    runtime_deployment_get,
    transactions_count,
)

__all__ = [
    "Analysis",
    "DocumentEntities",
    "DocumentError",
    "Entity",
    "JobError",
    "JobTask",
    "RuntimeDocument",
    "RuntimeTask",
    "UnsupportedTask",
    "analyze_job_cancel",
    "analyze_job_run",
    "analyze_job_submit",
    "analyze_jobs_expire",
    "analyze_jobs_recover",
    "analyze_sync",
    "batch_characters",
    "deployment_predict",
    "document_problem",
    "documents_analyze",
    "job_documents",
    "job_errors",
    "job_status_from",
    "job_tasks",
    "runtime_deployment_get",
    "transactions_count",
]
