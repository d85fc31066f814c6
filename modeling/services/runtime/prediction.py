"""Prediction on deployed models: typed texts in, code-point entities out.

No wire format here: `modeling/apis/runtime/` turns these results into Azure's JSON (offsets in the caller's
`stringIndexType`, statistics, error objects), and the deployments page renders them as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from modeling import selectors, serving
from modeling.models import Deployment
from modeling.services.models import model_file
from modeling.services.runtime.admission import analysis_turn
from projects import selectors as project_selectors
from projects.languages import LANGUAGES, is_supported_language
from studio import limits
from studio.exceptions import InvalidInput, NotFound


@dataclass(frozen=True)
class Entity:
    """A predicted entity: code points, half-open `[start, end)`, confidence to two decimals as the runtime reports."""

    start: int
    end: int
    category: str
    confidence: float


@dataclass(frozen=True)
class RuntimeDocument:
    """One document to analyze: `id` is the caller's, unique within a request."""

    id: str
    text: str
    language: str | None = None
    # Why the document cannot be analyzed, for one a job keeps without its text (`text` is then empty): a job
    # never stores what it refuses, such as a megabyte of text over the per-document limit.
    problem: str | None = None

    def unanalyzable(self) -> str | None:
        """Why the document cannot be analyzed, or None when it can."""
        return self.problem or document_problem(self.text)


# Why a document was not analyzed, in Azure's inner error codes.
INVALID_DOCUMENT = "InvalidDocument"  # empty, or over the per-document limit
UNSUPPORTED_LANGUAGE = "UnsupportedLanguageCode"  # stated in a language the runtime does not analyze


@dataclass(frozen=True)
class DocumentError:
    """A document that could not be analyzed (empty, too long, in an unsupported language), why, and Azure's inner
    error code for it; the other documents still are."""

    id: str
    message: str
    code: str = INVALID_DOCUMENT


@dataclass(frozen=True)
class DocumentEntities:
    id: str
    entities: list[Entity]


@dataclass(frozen=True)
class Analysis:
    """A deployment's answer for a batch: the entities of each valid document and an error for each other one,
    both in the order of the input."""

    documents: list[DocumentEntities]
    errors: list[DocumentError]


def transactions_count(text: str) -> int:
    """Billed transactions for one analyzed document: one per started 1,000 characters."""
    return max(1, math.ceil(len(text) / 1000))


def batch_characters(texts: list[str]) -> int:
    """The characters a batch counts against its limits: a document over the per-document limit is that
    document's error, not the batch's, so it does not count."""
    return sum(len(text) for text in texts if len(text) <= limits.RUNTIME_CHARACTERS_MAX)


def document_problem(text: str) -> str | None:
    """Why a document cannot be analyzed, or None when it can."""
    if not text.strip():
        return "Document text is empty."
    if len(text) > limits.RUNTIME_CHARACTERS_MAX:
        return f"Document text is too long ({len(text):,} characters); the limit is {limits.RUNTIME_CHARACTERS_MAX:,}."
    return None


def language_problem(language: str | None, *, project_language: str) -> str | None:
    """Why a document stated to be in `language` is not analyzed, or None when it is (no language: the project's)."""
    if not language or is_supported_language(language, also=project_language):
        return None
    codes = ", ".join(code for code, _ in LANGUAGES)
    return f"Invalid language code '{language}'. Supported languages: {codes} (and the project's, {project_language})."


def runtime_deployment_get(*, user, project_name: str, deployment_name: str) -> Deployment:
    """The deployment a runtime call names; an unknown project or deployment is a 404 with Azure's inner code."""
    try:
        project = project_selectors.project_get(user=user, name=project_name)
    except NotFound:
        raise NotFound(f"The project '{project_name}' could not be found.", innererror_code="ProjectNotFound") from None
    return selectors.deployment_get(project=project, name=deployment_name)


def deployment_predict(*, deployment: Deployment, texts: list[str], wait: bool = False) -> list[list[Entity]]:
    """Entities per text from the deployment's current model; every text must be analyzable (see
    `document_problem`), otherwise `InvalidInput` says why. The prediction takes one of this process's analysis
    turns (`admission`): a call that cannot get one in time is refused (429) unless it `wait`s (a background job)."""
    for text in texts:
        problem = document_problem(text)
        if problem:
            raise InvalidInput(problem, innererror_code="InvalidDocument")
    if not texts:
        return []
    model = deployment.trained_model
    with analysis_turn(wait=wait):
        predictions = serving.predict(model, texts, file=model_file(model))
    return [
        [Entity(start, end, category, round(float(confidence), 2)) for start, end, category, confidence in spans]
        for spans in predictions
    ]


def documents_analyze(*, deployment: Deployment, documents: list[RuntimeDocument], wait: bool = False) -> Analysis:
    """Predicts every analyzable document; the others become `DocumentError`s. `wait`: see `deployment_predict`."""
    valid, errors = [], []
    project_language = deployment.project.language
    for document in documents:
        problem = document.unanalyzable()
        unsupported = language_problem(document.language, project_language=project_language)
        if problem:
            errors.append(DocumentError(document.id, problem))
        elif unsupported:
            errors.append(DocumentError(document.id, unsupported, UNSUPPORTED_LANGUAGE))
        else:
            valid.append(document)
    predictions = deployment_predict(deployment=deployment, texts=[d.text for d in valid], wait=wait)
    return Analysis(
        documents=[DocumentEntities(d.id, entities) for d, entities in zip(valid, predictions, strict=True)],
        errors=errors,
    )
