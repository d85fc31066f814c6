"""Documents pages: the filtered list, bulk dataset assignment and deletion, uploads and export downloads."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Substr
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from annotation import extensions, selectors, selectors_team
from annotation.formats import ProjectData
from annotation.formats.azure import write_project
from annotation.formats.conll import write_conll
from annotation.formats.jsonl import write_jsonl
from annotation.forms import BulkForm, DocumentFilterForm, UploadForm, attach_error
from annotation.services import assignments as assignment_services
from annotation.services import documents as document_services
from annotation.services.imports import project_data
from annotation.services.uploads import SHORT_NAMES, UploadedFile, documents_upload
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.views import form_data, render_project
from studio import limits
from studio.exceptions import ApplicationError, InvalidInput
from studio.request_size import request_bytes_max

PAGE_SIZE = 50
PREVIEW_CHARS = 240


def _filter_query(data: QueryDict) -> str:
    """The filter part of a query string, re-encoded (never echoed as given)."""
    query = QueryDict(mutable=True)
    for key in DocumentFilterForm.keys():
        if data.get(key):
            query[key] = data[key]
    return query.urlencode()


@login_required
def document_list(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    entity_types = list(selectors.entity_type_list(project=project))
    members = list(selectors_team.assignable_members(project=project))
    filters = DocumentFilterForm(request.GET or None, entity_types=entity_types, user=request.user, members=members)
    documents = (
        selectors.document_list(project=project, **filters.selector_filters())
        .defer("text")
        .annotate(preview=Substr("text", 1, PREVIEW_CHARS))
    )
    columns = extensions.document_columns()
    for column in columns:
        documents = column.annotate(documents)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.document_label_counts(document_ids=[d.pk for d in page])
    assigned = selectors_team.assignees(document_ids=[d.pk for d in page])
    for document in page:  # the team workflow's cells: status and assignees
        document.status = selectors_team.document_status(
            review_status=document.review_status, has_labels=document.pk in counts
        )
        document.status_name = selectors_team.STATUS_NAMES[document.status]
        document.assignee_names = assigned.get(document.pk, [])
    mine, mine_total = selectors_team.my_assignments(project=project, user=request.user)
    return render_project(
        request,
        "annotation/document_list.html",
        project,
        active="documents",
        filters=filters,
        filtered=filters.active(),
        page=page,
        rows=[(document, counts.get(document.pk, [])) for document in page],
        members=members,
        mine=mine,
        mine_total=mine_total,
        entity_types=entity_types,
        filter_query=_filter_query(request.GET),
        filter_hidden=[(key, request.GET[key]) for key in DocumentFilterForm.keys() if request.GET.get(key)],
        extension_columns=columns,
        bulk_datasets=BulkForm.base_fields["to_dataset"].choices,
        project_total=project.documents.count(),
    )


@login_required
@require_POST
def documents_bulk(request, project_name: str):
    managing = request.POST.get("action") in ("delete", "assign_members", "unassign")
    action = Action.MANAGE if managing else Action.ASSIGN_DATASET
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    form = BulkForm(request.POST, members=selectors_team.assignable_members(project=project))
    back_url = _list_url(project.name, request.POST, keep_page=True)
    if not form.is_valid():
        for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect(back_url)
    documents = _chosen_documents(project, form, request.POST, request.user)
    if form.cleaned_data["action"] == "assign":
        dataset = form.dataset_value()
        count = document_services.documents_assign_dataset_matching(
            project=project, user=request.user, documents=documents, dataset=dataset
        )
        messages.success(request, f"{count} document{'s' if count != 1 else ''} assigned to {dataset or 'unassigned'}.")
        return redirect(back_url)
    if form.cleaned_data["action"] == "assign_members":
        usernames = form.cleaned_data["assignees"]
        added = assignment_services.documents_assign(
            project=project, user=request.user, documents=documents, usernames=usernames
        )
        independently = " (each labels independently)" if len(usernames) > 1 else ""
        messages.success(
            request, f"{added} assignment{'s' if added != 1 else ''} added for {', '.join(usernames)}{independently}."
        )
        return redirect(back_url)
    if form.cleaned_data["action"] == "unassign":
        removed = assignment_services.documents_unassign(project=project, user=request.user, documents=documents)
        messages.success(request, f"{removed} assignment{'s' if removed != 1 else ''} removed.")
        return redirect(back_url)
    if not form.cleaned_data.get("confirm"):
        return _delete_confirmation(request, project, documents, back_url)
    count = document_services.documents_delete_matching(project=project, user=request.user, documents=documents)
    messages.success(request, f"{count} document{'s' if count != 1 else ''} deleted with their labels.")
    return redirect(_list_url(project.name, request.POST, keep_page=False))


def _chosen_documents(project, form: BulkForm, post: QueryDict, request_user=None):
    """The documents a bulk action applies to: those ticked, or all that match the list's filter."""
    if form.cleaned_data.get("scope") == "filter":
        members = selectors_team.assignable_members(project=project)
        filters = DocumentFilterForm(
            post, entity_types=selectors.entity_type_list(project=project), user=request_user, members=members
        )
        return selectors.document_list(project=project, **filters.selector_filters())
    return selectors.document_list(project=project).filter(pk__in=form.cleaned_data["ids"])


def _delete_confirmation(request, project, documents, back_url: str):
    return render_project(
        request,
        "annotation/documents_delete.html",
        project,
        active="documents",
        count=documents.count(),
        labels=selectors.label_count(documents=documents),
        examples=list(documents.values_list("location", flat=True)[:10]),
        form_data=_repost_fields(request.POST),
        back_url=back_url,
    )


def _list_url(project_name: str, data: QueryDict, *, keep_page: bool) -> str:
    """The documents list with the filters (and page) the bulk form came from."""
    query = QueryDict(_filter_query(data), mutable=True)
    if keep_page and data.get("page", "").isdigit():
        query["page"] = data["page"]
    url = reverse("document-list", args=[project_name])
    return f"{url}?{query.urlencode()}" if query else url


def _repost_fields(post: QueryDict) -> list[tuple[str, str]]:
    """The bulk form's fields, to post again from the confirmation page."""
    keys = ("action", "scope", "page", *DocumentFilterForm.keys())  # delete only: assignees are not reposted
    fields = [(key, post[key]) for key in keys if post.get(key)]
    fields += [("ids", value) for value in post.getlist("ids") if value.isdigit()]
    return fields


@request_bytes_max(limits.IMPORT_BYTES_MAX)
@login_required
@require_http_methods(["GET", "POST"])
def documents_upload_page(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.UPLOAD)
    form = UploadForm(*form_data(request, files=True), project=project)
    problem = None
    if request.method == "POST" and form.is_valid():
        files = [UploadedFile(name=f.name, data=f.read()) for f in form.cleaned_data["files"]]
        try:
            result = documents_upload(
                user=request.user,
                project=project,
                files=files,
                format=form.cleaned_data["format"],
                per_sentence=form.cleaned_data["per_sentence"],
                dataset=form.dataset_value(),
                language=form.language_value(),
            )
        except ApplicationError as error:
            if error.details:
                problem = error
            else:
                attach_error(form, error)
        else:
            _upload_messages(request, result)
            return redirect("document-list", project_name=project.name)
    return render_project(
        request,
        "annotation/document_upload.html",
        project,
        active="documents",
        status=400 if form.errors or problem else 200,
        form=form,
        problem=problem,
    )


# How the upload message names where documents landed.
DATASET_WORDS = {"Train": "to Train", "Test": "to Test", "": "unassigned (not used by a manual split)"}


def _upload_messages(request, result) -> None:
    read_as = ", ".join(f"{name} as {SHORT_NAMES[kind]}" for name, kind in result.formats.items())
    labels = f" with {result.labels} label{'s' if result.labels != 1 else ''}" if result.labels else ""
    documents = f"{result.documents} document{'s' if result.documents != 1 else ''}"
    landed = ", ".join(f"{n} {DATASET_WORDS.get(name, name)}" for name, n in sorted(result.datasets.items()))
    messages.success(request, f"Uploaded {documents}{labels} (read {read_as}): {landed}.")
    if result.entity_types_added:
        messages.info(request, "New entity types: " + ", ".join(result.entity_types_added) + ".")
    if result.entity_types_skipped:
        messages.warning(
            request,
            "The file lists entity types the project does not have and no label uses ("
            + ", ".join(result.entity_types_skipped)
            + "); only an owner can add them.",
        )


@login_required
def project_export(request, project_name: str):
    """Without `format`, the export page (with the CoNLL report); with it, the download."""
    project = project_selectors.project_get(user=request.user, name=project_name)
    export_format = request.GET.get("format", "")
    if export_format and export_format not in EXPORTERS:
        raise InvalidInput(f"Export format '{export_format}' is not one of azure, jsonl or conll.", target="format")
    data = project_data(project=project)
    if export_format:
        return EXPORTERS[export_format](data, request.GET)
    _, report = write_conll(data.documents)
    return render_project(
        request,
        "annotation/project_export.html",
        project,
        active="documents",
        report=report,
        report_shown=report[:100],
        documents=len(data.documents),
        labels=sum(len(d.labels) for d in data.documents),
    )


def _azure(data: ProjectData, query: QueryDict) -> HttpResponse:
    include_text = query.get("includeText", "").lower() in ("true", "1", "on", "yes")
    body = json.dumps(write_project(data, include_text=include_text), ensure_ascii=False, indent=2)
    return _download(body, f"{data.name}.json", "application/json")


def _jsonl(data: ProjectData, query: QueryDict) -> HttpResponse:
    return _download(write_jsonl(data.documents), f"{data.name}.jsonl", "application/jsonl")


def _conll(data: ProjectData, query: QueryDict) -> HttpResponse:
    text, report = write_conll(data.documents)
    response = _download(text, f"{data.name}.conll", "text/plain")
    response["X-Studio-Conll-Misaligned"] = str(len(report))  # the page shows the report before the download
    return response


def _conll_report(data: ProjectData, query: QueryDict) -> HttpResponse:
    _, report = write_conll(data.documents)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["location", "category", "start", "end", "text", "message"])
    writer.writeheader()
    writer.writerows(report)
    return _download(out.getvalue(), f"{data.name}-conll-report.csv", "text/csv")


EXPORTERS = {"azure": _azure, "jsonl": _jsonl, "conll": _conll, "conll-report": _conll_report}


def _download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
