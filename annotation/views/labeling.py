from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def document_label(request, project_name: str, document_id: int):
    return HttpResponse("The labeling view comes next.")
