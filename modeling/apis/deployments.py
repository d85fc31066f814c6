"""Azure authoring API for deployments: list, get, deploy (PUT), delete, swap, and their jobs."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from modeling import selectors
from modeling.apis import serializers
from modeling.apis.preview import NO_RESOURCES
from modeling.services import deployments as services
from projects import selectors as project_selectors
from projects.apis.serializers import accepted, job_state
from projects.models import OperationKind
from projects.permissions import Action
from studio.api import AzureAPIView, paged
from studio.api_versions import Feature
from studio.exceptions import InvalidInput


class DeploymentListApi(AzureAPIView):
    def get(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        items = [
            serializers.deployment(d, version=request.azure_version) for d in selectors.deployment_list(project=project)
        ]
        return Response(paged(request, items))


class DeploymentApi(AzureAPIView):
    def get(self, request: Request, project_name: str, deployment_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        item = selectors.deployment_get(project=project, name=deployment_name)
        return Response(serializers.deployment(item, version=request.azure_version))

    def put(self, request: Request, project_name: str, deployment_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        body = request.data if isinstance(request.data, dict) else {}
        if not body.get("trainedModelLabel"):
            raise InvalidInput("Missing required field 'trainedModelLabel'.", target="trainedModelLabel")
        if request.azure_version.has(Feature.DEPLOYMENT_RESOURCES) and body.get("assignedResourceIds"):
            raise InvalidInput(NO_RESOURCES, innererror_code="InvalidParameterValue", target="assignedResourceIds")
        _, job = services.deployment_deploy(
            user=request.user, project=project, name=deployment_name, model_label=body["trainedModelLabel"]
        )
        return accepted(request, f"projects/{project_name}/deployments/{deployment_name}/jobs/{job.job_id}")

    def delete(self, request: Request, project_name: str, deployment_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        job = services.deployment_delete(user=request.user, project=project, name=deployment_name)
        return accepted(request, f"projects/{project_name}/deployments/{deployment_name}/jobs/{job.job_id}")


class SwapApi(AzureAPIView):
    def post(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        body = request.data if isinstance(request.data, dict) else {}
        job = services.deployments_swap(
            user=request.user,
            project=project,
            first=body.get("firstDeploymentName", ""),
            second=body.get("secondDeploymentName", ""),
        )
        return accepted(request, f"projects/{project_name}/deployments/swap/jobs/{job.job_id}")


class DeploymentJobApi(AzureAPIView):
    kinds = (OperationKind.DEPLOYMENT,)

    def get(self, request: Request, project_name: str, job_id: str, deployment_name: str | None = None) -> Response:
        job = project_selectors.operation_get(
            user=request.user, job_id=job_id, kinds=self.kinds, project_name=project_name
        )
        return Response(job_state(job))


class SwapJobApi(DeploymentJobApi):
    kinds = (OperationKind.SWAP,)
