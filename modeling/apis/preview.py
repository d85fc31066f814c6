"""Authoring operations of later api-versions that a self-hosted studio answers without offering what they do.

They exist in the versions `studio.api_versions` gives their feature (elsewhere they are a 404, as on Azure), so
a client at such a version (`azure-ai-textanalytics-authoring` at its default) gets an answer, not an api-version
error:
- lists are empty and truthful: no deployment is assigned to other Azure resources, no model is exported;
- what needs other Azure resources (assigning deployment resources, copying a project to another resource), a
  container registry (exported models) or re-evaluating a model is refused with a 400 that says why;
- `global/prebuilt-entities` concerns CustomHealthcare projects and is refused as another project kind;
- jobs of refused operations do not exist (404).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from annotation.formats.azure import PROJECT_KIND
from projects import selectors as project_selectors
from studio.api import AzureAPIView, paged
from studio.api_versions import Feature
from studio.exceptions import ApplicationError, NotFound

NO_RESOURCES = (
    "This studio is a single self-hosted resource: there are no other Azure resources to assign deployments to or "
    "delete them from. Deploy with PUT .../deployments/{deploymentName}; every deployment serves from this studio."
)
NO_COPY = (
    "This studio is a single self-hosted resource: there is no other Azure resource to copy a project to. Export "
    "the project (:export) and import it (:import) where you want it."
)
NO_EXPORTED_MODELS = (
    "This studio does not export models for containers. Deploy a trained model and call it through the runtime "
    "API of this studio."
)
NO_EVALUATION = (
    "This studio evaluates a model once, on its test set, when it is trained; read the evaluation at "
    ".../models/{trainedModelLabel}/evaluation/summary-result and .../evaluation/result, or train again."
)
PREBUILT_ENTITIES = (
    f"Prebuilt entities are components of CustomHealthcare projects' entities; this service serves {PROJECT_KIND} "
    "projects only, whose entities are all learned from labels."
)


def _project_check(request: Request, kwargs: dict[str, Any]) -> None:
    """An unknown or invisible project is a 404 before anything else, as in every project operation."""
    if "project_name" in kwargs:
        project_selectors.project_get(user=request.user, name=kwargs["project_name"])


class NotOfferedApi(AzureAPIView):
    """Refuses the operation (any method routed here) with `reason`."""

    reason = ""

    def _refuse(self, request: Request, **kwargs: Any) -> Response:
        _project_check(request, kwargs)
        raise ApplicationError(self.reason, code="InvalidRequest", innererror_code="InvalidRequest")

    get = post = put = delete = _refuse


class EmptyListApi(AzureAPIView):
    """A list that is always empty here, paged as Azure's lists are."""

    def get(self, request: Request, **kwargs: Any) -> Response:
        _project_check(request, kwargs)
        return Response(paged(request, []))


class NoSuchJobApi(AzureAPIView):
    """The job of an operation the studio refuses: none was ever started."""

    def get(self, request: Request, job_id: str, **kwargs: Any) -> Response:
        _project_check(request, kwargs)
        raise NotFound(f"The job '{job_id}' could not be found.", innererror_code="OperationNotFound")


class ExportedModelApi(NotOfferedApi):
    """`exported-models/{name}`: none exists (GET, DELETE: 404); creating one (PUT) is refused."""

    reason = NO_EXPORTED_MODELS

    def get(self, request: Request, exported_model_name: str, **kwargs: Any) -> Response:
        _project_check(request, kwargs)
        raise NotFound(f"The exported model '{exported_model_name}' could not be found.")

    delete = get


def view(base: type[AzureAPIView], feature: Feature, operation: str, **attributes: Any):
    """`base` as the view of one operation of `feature`."""
    return base.as_view(feature=feature, operation=operation, **attributes)
