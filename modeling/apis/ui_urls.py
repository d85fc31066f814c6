"""Modeling's UI JSON API under /api/ (code-point offsets, like `annotation.apis.ui_urls`): model-in-the-loop jobs
and the labeling view's suggestions."""

from django.urls import path, re_path

from modeling.apis import label_issues, loop, suggestions

P = "api/projects/<str:project_name>"
S = r"^api/projects/(?P<project_name>[^/]+)/documents/(?P<document_id>[0-9]+)/suggestions"

urlpatterns = [
    path(f"{P}/loop-jobs", loop.LoopJobListUiApi.as_view(), name="ui-loop-jobs"),
    path(f"{P}/loop-jobs/<str:job_id>", loop.LoopJobUiApi.as_view(), name="ui-loop-job"),
    path(f"{P}/loop-jobs/<str:job_id>/cancel", loop.LoopJobCancelUiApi.as_view(), name="ui-loop-job-cancel"),
    re_path(
        r"^api/projects/(?P<project_name>[^/]+)/label-issues/(?P<issue_id>[0-9]+)/(?P<decision>apply|dismiss)$",
        label_issues.LabelIssueDecisionUiApi.as_view(),
        name="ui-label-issue",
    ),
    re_path(f"{S}$", suggestions.SuggestionListUiApi.as_view(), name="ui-suggestions"),
    re_path(f"{S}/(?P<decision>accept|reject)$", suggestions.SuggestionBulkUiApi.as_view(), name="ui-suggestions-all"),
    re_path(
        f"{S}/(?P<suggestion_id>[0-9]+)/(?P<decision>accept|reject)$",
        suggestions.SuggestionDecisionUiApi.as_view(),
        name="ui-suggestion",
    ),
]
