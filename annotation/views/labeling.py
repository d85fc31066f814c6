"""The labeling page: the document, its labels and the palette. Scripts get their data through `json_script`."""

from django.contrib.auth.decorators import login_required

from annotation import selectors
from annotation.apis.ui import document_json
from projects import selectors as project_selectors
from projects.views import render_project


@login_required
def document_label(request, project_name: str, document_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name)
    document = selectors.document_get(project=project, document_id=document_id)
    data = {**document_json(document, request.user), "username": request.user.username}
    return render_project(
        request,
        "annotation/label.html",
        project,
        active="documents",
        document=document,
        data=data,
        characters=f"{len(document.text):,}",
    )
