"""Azure's `:export`: the project's working copy, or (`trainedModelLabel`, 2022-10-01-preview on) the snapshot of the
project a trained model was trained on. Its job and result are read through `annotation.apis.authoring`."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from annotation.formats.azure import STRING_INDEX_TYPE, write_project
from annotation.services.imports import project_data
from modeling import selectors
from modeling.services.models import trained_model_snapshot
from projects import selectors as project_selectors
from projects.apis.serializers import accepted
from projects.models import OperationKind
from projects.services.operations import job_record
from studio.api import AzureAPIView
from studio.api_versions import Feature, feature_required
from studio.exceptions import InvalidInput


class ProjectExportApi(AzureAPIView):
    def post(self, request: Request, project_name: str) -> Response:
        if request.query_params.get("stringIndexType") != STRING_INDEX_TYPE:
            raise InvalidInput(
                f"Query parameter 'stringIndexType' is required and must be '{STRING_INDEX_TYPE}'.",
                innererror_code="InvalidParameterValue",
                target="stringIndexType",
            )
        label = request.query_params.get("trainedModelLabel")
        project = project_selectors.project_get(user=request.user, name=project_name)
        if label:
            what = "Exporting a trained model's snapshot ('trainedModelLabel')"
            feature_required(request.azure_version, Feature.SNAPSHOTS, what=what, operation=False)
            data = trained_model_snapshot(model=selectors.trained_model_get(project=project, label=label))
        else:
            data = project_data(project=project)
        include_text = request.query_params.get("includeText", "").lower() == "true"
        result = write_project(data, include_text=include_text)
        job = job_record(kind=OperationKind.EXPORT, project_name=project_name, user=request.user, result=result)
        return accepted(request, f"projects/{project_name}/export/jobs/{job.job_id}")
