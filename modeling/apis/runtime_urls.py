from django.urls import path, re_path

from modeling.apis.runtime import views

urlpatterns = [
    path("language/:analyze-text", views.AnalyzeSyncApi.as_view()),
    path("language/analyze-text/jobs", views.AnalyzeJobSubmitApi.as_view()),
    re_path(r"^language/analyze-text/jobs/(?P<job_id>[^/:]+):cancel$", views.AnalyzeJobCancelApi.as_view()),
    re_path(r"^language/analyze-text/jobs/(?P<job_id>[^/:]+)$", views.AnalyzeJobApi.as_view()),
]
