"""The labeling page: the document, its labels and the palette. Scripts get their data through `json_script`."""

from django.contrib.auth.decorators import login_required

from annotation import selectors
from annotation.apis.ui import document_json, list_filters
from projects import selectors as project_selectors
from projects.languages import language_choices
from projects.views import render_project


@login_required
def document_label(request, project_name: str, document_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name)
    document = selectors.document_get(project=project, document_id=document_id)
    filters = list_filters(request.GET, project, request.user)
    data = {**document_json(document, request.user, filters=filters), "username": request.user.username}
    query = filters.query_string()
    return render_project(
        request,
        "annotation/label.html",
        project,
        active="documents",
        document=document,
        data=data,
        characters=f"{len(document.text):,}",
        list_query=f"?{query}" if query else "",  # the list's filters, kept by Prev/Next and the way back
        languages=language_choices(project.language, document.language) if project.multilingual else [],
    )
