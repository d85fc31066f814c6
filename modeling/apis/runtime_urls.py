from django.urls import path, re_path

from modeling.apis import runtime

urlpatterns = [
    path("language/:analyze-text", runtime.AnalyzeSyncApi.as_view()),
    path("language/analyze-text/jobs", runtime.AnalyzeJobSubmitApi.as_view()),
    re_path(r"^language/analyze-text/jobs/(?P<job_id>[^/:]+):cancel$", runtime.AnalyzeJobCancelApi.as_view()),
    re_path(r"^language/analyze-text/jobs/(?P<job_id>[^/:]+)$", runtime.AnalyzeJobApi.as_view()),
]
