"""The labeling view's JSON API (code-point offsets; see `annotation.apis.ui`)."""

from django.urls import path

from annotation.apis import team, ui

D = "api/projects/<str:project_name>/documents/<int:document_id>"

urlpatterns = [
    path(D, ui.DocumentUiApi.as_view(), name="ui-document"),
    path(f"{D}/labels", ui.LabelListUiApi.as_view(), name="ui-labels"),
    path(f"{D}/labels/<int:label_id>", ui.LabelUiApi.as_view(), name="ui-label"),
    path(f"{D}/review", team.ReviewUiApi.as_view(), name="ui-review"),
    path(f"{D}/adjudication", team.AdjudicationUiApi.as_view(), name="ui-adjudication"),
    path("api/projects/<str:project_name>/assignments", team.AssignmentsUiApi.as_view(), name="ui-assignments"),
]
