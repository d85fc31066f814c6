"""The documents a job trains and tests on. A `percentage` job uses the distribution page's split
(`annotation.services.splits.split_assignments`), so what the user previewed is what trains."""

from __future__ import annotations

from dataclasses import dataclass

from annotation import selectors_team
from annotation.formats import DocumentData, ProjectData
from annotation.models import Dataset
from annotation.services.splits import split_assignments
from modeling.models import TrainingJob
from modeling.services.training.options import MANUAL, EvaluationOptions
from projects.models import Project
from studio.exceptions import InvalidInput

NO_TRAIN_DOCUMENTS = (
    "A manual split trains on Train documents and there are none; assign documents to Train, or use an automatic split."
)
# The documents a `percentage` split divides; those assigned to Test are left out of it.
PERCENTAGE_POOL = (Dataset.TRAIN, Dataset.UNASSIGNED)


@dataclass
class Split:
    train: list[DocumentData]
    test: list[DocumentData]
    # Left out: Test documents in a percentage split, unassigned documents in a manual split.
    ignored: list[DocumentData]


def training_split(*, project: Project, data: ProjectData, evaluation: EvaluationOptions, seed: int) -> Split:
    """Which of `data`'s documents a job trains and tests on.

    `manual`: the documents' own datasets; unassigned documents are not used (they are often not labeled yet,
    and trained on they would teach "no entities here": the sample's four unlabeled practice documents cost its
    model 0.08 F1, modeling/CONFIGS.md). `percentage`: the Train and unassigned documents split by
    `split_assignments` with `seed`, the very split the distribution page previews for them; Test documents are
    left out.
    """
    if evaluation.kind == MANUAL:
        train = [d for d in data.documents if d.dataset == Dataset.TRAIN]
        test = [d for d in data.documents if d.dataset == Dataset.TEST]
        unused = [d for d in data.documents if d.dataset not in (Dataset.TRAIN, Dataset.TEST)]
        return Split(train=train, test=test, ignored=unused)
    assignments = split_assignments(
        project=project, test_percent=evaluation.testing_percent, seed=seed, datasets=PERCENTAGE_POOL
    )
    locations = dict(project.documents.values_list("pk", "location"))
    tested = {locations.get(pk) for pk, dataset in assignments.items() if dataset == Dataset.TEST}
    # `data` was read just before: a document added since is not trained on, one deleted since trains.
    pool = [d for d in data.documents if d.dataset != Dataset.TEST]
    return Split(
        train=[d for d in pool if d.location not in tested],
        test=[d for d in pool if d.location in tested],
        ignored=[d for d in data.documents if d.dataset == Dataset.TEST],
    )


def _leave_out_unreviewed(project: Project, split: Split) -> int:
    """When the project requires review, moves the documents not reviewed from Train and Test to the ignored;
    returns how many moved."""
    if not project.require_review:
        return 0
    reviewed = set(selectors_team.training_documents(project=project).values_list("location", flat=True))
    left_out = [d for d in split.train + split.test if d.location not in reviewed]
    split.train = [d for d in split.train if d.location in reviewed]
    split.test = [d for d in split.test if d.location in reviewed]
    split.ignored = split.ignored + left_out
    return len(left_out)


def job_split(job: TrainingJob, data: ProjectData) -> tuple[Split, list[dict]]:
    """The documents of `data` (the project now) that `job` trains and tests on, and warnings about the split."""
    split = training_split(
        project=job.project,
        data=data,
        evaluation=EvaluationOptions.from_stored(job.evaluation_options),
        seed=job.split_seed,
    )
    unreviewed = _leave_out_unreviewed(job.project, split)
    if not split.test:
        raise InvalidInput("The split left no documents to test on; add documents or assign some to Test.")
    manual = EvaluationOptions.from_stored(job.evaluation_options).kind == MANUAL
    if not split.train:
        if manual:
            raise InvalidInput(NO_TRAIN_DOCUMENTS)
        raise InvalidInput("The split left no documents to train on; add documents or lower the Test share.")
    warnings = []
    if unreviewed:
        warnings.append(
            {
                "code": "UnreviewedDocumentsLeftOut",
                "message": f"{unreviewed} documents not reviewed were left out: the project trains only on reviewed "
                "documents (its settings).",
            }
        )
    if split.ignored:
        left_out = (
            "unassigned documents were not used (a manual split trains on Train and tests on Test)"
            if manual
            else "documents assigned to Test were left out of the percentage split"
        )
        warnings.append({"code": "DocumentsIgnored", "message": f"{len(split.ignored)} {left_out}."})
    return split, warnings
