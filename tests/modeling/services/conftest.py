import pytest

from annotation.formats.azure import read_project
from annotation.services.imports import project_import
from tests.modeling.factories import loan_project


@pytest.fixture
def runtime_deployment(owner, deploy_tiny):
    """A tiny real model deployed as `prod` in project `loans`."""
    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=owner)
    return project.deployments.get(name="prod")
