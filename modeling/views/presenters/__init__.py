"""What the modeling pages show, computed from stored records: pure functions, no queries. One module per page:

- `formatting`: percentages, numbers, durations and the default color, formatted once for every page;
- `jobs`: the training jobs list and a job's page (epochs done of planned);
- `estimate`: the train page's estimate of how long training takes;
- `scores`: a model's overview and entity types tabs (and the models and deployments lists' scores);
- `confusion`: the confusion matrix tab;
- `test_set`: the test set tab, scored by `modeling.ml.evaluation.match_spans`;
- `deployments`: the deployments page's load states and its test panel's result;
- `label_errors`: the label-errors page (each likely error in its document, the check's estimate);
- `learning_curve`: a model's learning-curve tab (the chart's geometry and its sentence).

Views call them as ``presenters.<name>``; the names are gathered here.
"""

from modeling.views.presenters.confusion import MatrixCell, MatrixRow, confusion_rows
from modeling.views.presenters.deployments import LOAD_BADGES, LOAD_NOTICES, Fragment, fragments, served_model_name
from modeling.views.presenters.deployments import entity_rows as test_entity_rows
from modeling.views.presenters.estimate import estimate_text
from modeling.views.presenters.formatting import DEFAULT_COLOR, duration, number, percent
from modeling.views.presenters.jobs import STATUS_LABELS, JobRow, job_epochs, job_is_active, job_rows, job_seconds
from modeling.views.presenters.scores import (
    EntityRow,
    Metrics,
    entity_rows,
    evaluation_options_text,
    head_text,
    macro,
    micro,
)
from modeling.views.presenters.test_set import DocumentComparison, SpanRow, compare_document, context

__all__ = [
    "head_text",
    "estimate_text",
    "job_epochs",
    "LOAD_BADGES",
    "LOAD_NOTICES",
    "Fragment",
    "fragments",
    "test_entity_rows",
    "DEFAULT_COLOR",
    "STATUS_LABELS",
    "DocumentComparison",
    "EntityRow",
    "JobRow",
    "MatrixCell",
    "MatrixRow",
    "Metrics",
    "SpanRow",
    "compare_document",
    "confusion_rows",
    "context",
    "duration",
    "entity_rows",
    "evaluation_options_text",
    "job_is_active",
    "job_rows",
    "job_seconds",
    "macro",
    "micro",
    "number",
    "percent",
    "served_model_name",
]
