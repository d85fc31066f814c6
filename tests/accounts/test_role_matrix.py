"""Every URL the studio serves, called by every kind of caller, answers as the role rules say (issue 16, item 7).

The table below has an entry for each URL pattern Django resolves (`get_resolver`), so a new URL without an entry
fails `test_every_url_has_an_entry`. Each entry names what each method needs: an `Action` in the project (from
`projects.permissions.ALLOWED`), or a studio-level rule (anyone, signed in, administrators, project creators, the
caller's own key). The callers: anonymous, a signed-in non-member, each role, an administrator, and API keys scoped
to the project in each role, scoped to another project, and unscoped (`createapikey`). Pages take no keys: a key on
a page is an anonymous request.

Each caller's request runs in a savepoint that is rolled back, so one caller's allowed write (a deletion, say) does
not change what the next one sees. A caller passes a permission gate when the answer is neither a redirect to sign
in, a 401, a 403, nor a 404 about the project (or its job) being unknown; a 400 for the empty body sent means the
gate was passed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from annotation.formats.azure import read_project
from annotation.models import Document, EntityType, Label
from annotation.services.imports import project_import
from modeling.models import AnalyzeJob, LabelIssue, LoopJob, TrainingJob
from projects.models import ApiKey, JobStatus, Membership, OperationKind, Role
from projects.permissions import ALLOWED, Action
from projects.services.api_keys import api_key_create
from projects.services.operations import job_record
from projects.services.projects import membership_set, project_create
from tests.conftest import small_project
from tests.modeling.factories import trained_model_files

VERSION = "2025-05-15-preview"
AUTHORING = "language/authoring/analyze-text/projects"

# Studio-level needs (the others are project `Action`s).
ANYONE = "anyone"
SIGNED_IN = "signed in"
ADMIN = "administrator"
CREATE = "may create projects"
OWN_KEY = "the key's own user"
RUNTIME_JOB = "the runtime job's user"
# PATCH or :import on a project name: its owners replace it; to anyone who cannot see it, the name is a new project
# (refused unless they may create projects, and then not available).
WRITE_PROJECT = "manage, or create when unseen"


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # formatted with the world's ids: {p}, {doc}, {label}, {type}, ...
    need: Action | str
    body: dict | None = None


def calls(path: str, **needs: Action | str) -> list[Call]:
    return [Call(method.upper(), path, need) for method, need in needs.items()]


V, L, U, A, R, M = Action.VIEW, Action.LABEL, Action.UPLOAD, Action.ASSIGN_DATASET, Action.REVIEW, Action.MANAGE
P = "projects/{p}"
AP = f"{AUTHORING}/{{p}}"
RUNTIME_SYNC = {
    "kind": "CustomEntityRecognition",
    "analysisInput": {"documents": [{"id": "1", "text": "Loan to Ana."}]},
    "parameters": {"projectName": "{p}", "deploymentName": "nope"},
}
RUNTIME_JOB_BODY = {
    "analysisInput": {"documents": [{"id": "1", "text": "Loan to Ana."}]},
    "tasks": [{"kind": "CustomEntityRecognition", "parameters": {"projectName": "{p}", "deploymentName": "nope"}}],
}

ROUTES: dict[str, list[Call]] = {
    "healthz": calls("healthz", get=ANYONE),
    "api/openapi.json": calls("api/openapi.json", get=ANYONE),  # public, as Azure's specs are
    "login/": calls("login/", get=ANYONE),
    "logout/": calls("logout/", post=ANYONE),
    # accounts
    "account/": calls("account/", get=SIGNED_IN, post=SIGNED_IN),
    "account/password/": calls("account/password/", get=SIGNED_IN, post=SIGNED_IN),
    "account/api-keys/<int:key_id>/revoke/": calls("account/api-keys/{own_key}/revoke/", post=OWN_KEY),
    "set-password/<uidb64>/<token>/": calls("set-password/MQ/nope/", get=ANYONE),
    "users/": calls("users/", get=ADMIN, post=ADMIN),
    "users/<int:user_id>/": calls("users/{outsider_id}/", post=ADMIN),
    "users/<int:user_id>/reset-password/": calls("users/{outsider_id}/reset-password/", post=ADMIN),
    "projects/<str:project_name>/api-keys/": calls(f"{P}/api-keys/", get=M, post=M),
    "projects/<str:project_name>/api-keys/<int:key_id>/revoke/": calls(f"{P}/api-keys/{{project_key}}/revoke/", post=M),
    # authoring API: projects, import, export
    AUTHORING: calls(AUTHORING, get=SIGNED_IN),
    f"{AUTHORING}/global/deletion-jobs/<str:job_id>": calls(f"{AUTHORING}/global/deletion-jobs/{{deletion}}", get=V),
    f"{AUTHORING}/global/languages": calls(f"{AUTHORING}/global/languages", get=SIGNED_IN),
    f"{AUTHORING}/<str:project_name>": calls(AP, get=V, patch=WRITE_PROJECT, delete=M),
    f"{AUTHORING}/<str:project_name>/:import": calls(f"{AP}/:import", post=WRITE_PROJECT),
    f"{AUTHORING}/<str:project_name>/import/jobs/<str:job_id>": calls(f"{AP}/import/jobs/{{import}}", get=V),
    f"{AUTHORING}/<str:project_name>/export/jobs/<str:job_id>": calls(f"{AP}/export/jobs/{{export}}", get=V),
    f"{AUTHORING}/<str:project_name>/export/jobs/<str:job_id>/result": calls(
        f"{AP}/export/jobs/{{export}}/result", get=V
    ),
    f"{AUTHORING}/<str:project_name>/:export": calls(f"{AP}/:export?stringIndexType=Utf16CodeUnit", post=V),
    # authoring API: training, models, deployments
    f"{AUTHORING}/global/training-config-versions": calls(
        f"{AUTHORING}/global/training-config-versions", get=SIGNED_IN
    ),
    f"{AUTHORING}/global/deployments/resources": calls(f"{AUTHORING}/global/deployments/resources", get=SIGNED_IN),
    f"{AUTHORING}/global/prebuilt-entities": calls(f"{AUTHORING}/global/prebuilt-entities", get=SIGNED_IN),
    f"{AUTHORING}/<str:project_name>/:train": calls(f"{AP}/:train", post=M),
    f"{AUTHORING}/<str:project_name>/train/jobs": calls(f"{AP}/train/jobs", get=V),
    f"{AUTHORING}/<str:project_name>/train/jobs/<str:job_id>": calls(f"{AP}/train/jobs/{{training}}", get=V),
    f"{AUTHORING}/<str:project_name>/train/jobs/<str:job_id>/:cancel": calls(
        f"{AP}/train/jobs/{{training}}/:cancel", post=M
    ),
    f"{AUTHORING}/<str:project_name>/models": calls(f"{AP}/models", get=V),
    f"{AUTHORING}/<str:project_name>/models/<str:label>": calls(f"{AP}/models/m1", get=V, delete=M),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/evaluation/summary-result": calls(
        f"{AP}/models/m1/evaluation/summary-result", get=V
    ),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/evaluation/result": calls(
        f"{AP}/models/m1/evaluation/result?stringIndexType=Utf16CodeUnit", get=V
    ),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/:load-snapshot": calls(
        f"{AP}/models/m1/:load-snapshot", post=M
    ),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/load-snapshot/jobs/<str:job_id>": calls(
        f"{AP}/models/m1/load-snapshot/jobs/{{snapshot}}", get=V
    ),
    f"{AUTHORING}/<str:project_name>/deployments": calls(f"{AP}/deployments", get=V),
    f"{AUTHORING}/<str:project_name>/deployments/:swap": calls(f"{AP}/deployments/:swap", post=M),
    f"{AUTHORING}/<str:project_name>/deployments/swap/jobs/<str:job_id>": calls(
        f"{AP}/deployments/swap/jobs/{{swap}}", get=V
    ),
    f"{AUTHORING}/<str:project_name>/deployments/<str:deployment_name>": calls(
        f"{AP}/deployments/prod", get=V, put=M, delete=M
    ),
    f"{AUTHORING}/<str:project_name>/deployments/<str:deployment_name>/jobs/<str:job_id>": calls(
        f"{AP}/deployments/prod/jobs/{{deployment}}", get=V
    ),
    # authoring API: what the studio does not offer (still behind the project's visibility)
    f"{AUTHORING}/<str:project_name>/resources": calls(f"{AP}/resources", get=V),
    f"{AUTHORING}/<str:project_name>/resources/:assign": calls(f"{AP}/resources/:assign", post=V),
    f"{AUTHORING}/<str:project_name>/resources/:unassign": calls(f"{AP}/resources/:unassign", post=V),
    f"{AUTHORING}/<str:project_name>/resources/assign/jobs/<str:job_id>": calls(f"{AP}/resources/assign/jobs/x", get=V),
    f"{AUTHORING}/<str:project_name>/resources/unassign/jobs/<str:job_id>": calls(
        f"{AP}/resources/unassign/jobs/x", get=V
    ),
    f"{AUTHORING}/<str:project_name>/deployments/<str:deployment_name>/:delete-from-resources": calls(
        f"{AP}/deployments/prod/:delete-from-resources", post=V
    ),
    f"{AUTHORING}/<str:project_name>/deployments/<str:deployment_name>/delete-from-resources/jobs/<str:job_id>": calls(
        f"{AP}/deployments/prod/delete-from-resources/jobs/x", get=V
    ),
    f"{AUTHORING}/<str:project_name>/:authorize-copy": calls(f"{AP}/:authorize-copy", post=V),
    f"{AUTHORING}/<str:project_name>/:copy": calls(f"{AP}/:copy", post=V),
    f"{AUTHORING}/<str:project_name>/copy/jobs/<str:job_id>": calls(f"{AP}/copy/jobs/x", get=V),
    f"{AUTHORING}/<str:project_name>/exported-models": calls(f"{AP}/exported-models", get=V),
    f"{AUTHORING}/<str:project_name>/exported-models/<str:exported_model_name>": calls(
        f"{AP}/exported-models/e1", get=V, put=V, delete=V
    ),
    f"{AUTHORING}/<str:project_name>/exported-models/<str:exported_model_name>/manifest": calls(
        f"{AP}/exported-models/e1/manifest", get=V
    ),
    f"{AUTHORING}/<str:project_name>/exported-models/<str:exported_model_name>/jobs/<str:job_id>": calls(
        f"{AP}/exported-models/e1/jobs/x", get=V
    ),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/:evaluate": calls(f"{AP}/models/m1/:evaluate", post=V),
    f"{AUTHORING}/<str:project_name>/models/<str:label>/evaluate/jobs/<str:job_id>": calls(
        f"{AP}/models/m1/evaluate/jobs/x", get=V
    ),
    # runtime API
    "language/:analyze-text": [Call("POST", "language/:analyze-text", V, RUNTIME_SYNC)],
    "language/analyze-text/jobs": [Call("POST", "language/analyze-text/jobs", V, RUNTIME_JOB_BODY)],
    "^language/analyze-text/jobs/(?P<job_id>[^/:]+):cancel$": calls(
        "language/analyze-text/jobs/{analyze}:cancel", post=RUNTIME_JOB
    ),
    "^language/analyze-text/jobs/(?P<job_id>[^/:]+)$": calls("language/analyze-text/jobs/{analyze}", get=RUNTIME_JOB),
    # UI JSON API
    "api/projects/<str:project_name>/documents/<int:document_id>": [
        Call("GET", "api/projects/{p}/documents/{doc}", V),
        Call("PATCH", "api/projects/{p}/documents/{doc}", A, {"dataset": "Test"}),
    ],
    "api/projects/<str:project_name>/documents/<int:document_id>/labels": calls(
        "api/projects/{p}/documents/{doc}/labels", get=V, post=L
    ),
    "api/projects/<str:project_name>/documents/<int:document_id>/labels/<int:label_id>": calls(
        "api/projects/{p}/documents/{doc}/labels/{label}", patch=L, delete=L
    ),
    "api/projects/<str:project_name>/documents/<int:document_id>/review": calls(
        "api/projects/{p}/documents/{doc}/review", post=R
    ),
    "api/projects/<str:project_name>/documents/<int:document_id>/adjudication": calls(
        "api/projects/{p}/documents/{doc}/adjudication", post=R
    ),
    "api/projects/<str:project_name>/assignments": calls("api/projects/{p}/assignments", post=M),
    "api/projects/<str:project_name>/loop-jobs": [
        Call("GET", "api/projects/{p}/loop-jobs", V),
        Call("POST", "api/projects/{p}/loop-jobs", L, {"kind": "prelabel"}),
        Call("POST", "api/projects/{p}/loop-jobs", M, {"kind": "learning-curve"}),
    ],
    "api/projects/<str:project_name>/loop-jobs/<str:job_id>": calls("api/projects/{p}/loop-jobs/{loop}", get=V),
    "api/projects/<str:project_name>/loop-jobs/<str:job_id>/cancel": calls(
        "api/projects/{p}/loop-jobs/{loop}/cancel",
        post=L,  # the world's job is a pre-labeling one
    ),
    "^api/projects/(?P<project_name>[^/]+)/label-issues/(?P<issue_id>[0-9]+)/(?P<decision>apply|dismiss)$": calls(
        "api/projects/{p}/label-issues/{issue}/dismiss", post=L
    ),
    "^api/projects/(?P<project_name>[^/]+)/documents/(?P<document_id>[0-9]+)/suggestions$": calls(
        "api/projects/{p}/documents/{doc}/suggestions", get=V, post=L
    ),
    (
        "^api/projects/(?P<project_name>[^/]+)/documents/(?P<document_id>[0-9]+)/suggestions/"
        "(?P<decision>accept|reject)$"
    ): calls("api/projects/{p}/documents/{doc}/suggestions/reject", post=L),
    (
        "^api/projects/(?P<project_name>[^/]+)/documents/(?P<document_id>[0-9]+)/suggestions/"
        "(?P<suggestion_id>[0-9]+)/(?P<decision>accept|reject)$"
    ): calls("api/projects/{p}/documents/{doc}/suggestions/999999/reject", post=L),
    # pages
    "": calls("", get=SIGNED_IN),
    "new/": calls("new/", get=CREATE, post=CREATE),
    "sample/": calls("sample/", post=CREATE),
    "projects/<str:project_name>/": calls(f"{P}/", get=V),
    "projects/<str:project_name>/settings/": calls(f"{P}/settings/", get=V, post=M),
    "projects/<str:project_name>/delete/": calls(f"{P}/delete/", post=M),
    "projects/<str:project_name>/members/": calls(f"{P}/members/", get=V, post=M),
    "projects/<str:project_name>/members/<int:membership_id>/remove/": calls(
        f"{P}/members/{{membership}}/remove/", post=M
    ),
    "projects/<str:project_name>/schema/": calls(f"{P}/schema/", get=V, post=M),
    "projects/<str:project_name>/schema/<int:entity_type_id>/": calls(f"{P}/schema/{{type}}/", post=M),
    "projects/<str:project_name>/schema/<int:entity_type_id>/delete/": calls(
        f"{P}/schema/{{type}}/delete/", get=M, post=M
    ),
    "projects/<str:project_name>/documents/": calls(f"{P}/documents/", get=V),
    "projects/<str:project_name>/documents/bulk/": calls(f"{P}/documents/bulk/", post=A),
    "projects/<str:project_name>/documents/upload/": calls(f"{P}/documents/upload/", get=U, post=U),
    "projects/<str:project_name>/export/": calls(f"{P}/export/", get=V),
    "projects/<str:project_name>/distribution/": calls(f"{P}/distribution/", get=V),
    "projects/<str:project_name>/split/": calls(f"{P}/split/", post=A),
    "projects/<str:project_name>/documents/<int:document_id>/label/": calls(f"{P}/documents/{{doc}}/label/", get=V),
    "projects/<str:project_name>/documents/<int:document_id>/history/": calls(f"{P}/documents/{{doc}}/history/", get=V),
    "projects/<str:project_name>/documents/<int:document_id>/adjudicate/": calls(
        f"{P}/documents/{{doc}}/adjudicate/", get=R
    ),
    "projects/<str:project_name>/agreement/": calls(f"{P}/agreement/", get=V),
    "projects/<str:project_name>/settings/review/": calls(f"{P}/settings/review/", post=M),
    "projects/<str:project_name>/consistency/": calls(f"{P}/consistency/", get=V),
    "projects/<str:project_name>/consistency/label-all/": calls(f"{P}/consistency/label-all/", get=L),
    "projects/<str:project_name>/consistency/label-all/apply/": calls(f"{P}/consistency/label-all/apply/", post=L),
    "projects/<str:project_name>/consistency/batches/<int:batch_id>/": calls(f"{P}/consistency/batches/999999/", get=V),
    "projects/<str:project_name>/consistency/batches/<int:batch_id>/undo/": calls(
        f"{P}/consistency/batches/999999/undo/", post=L
    ),
    "projects/<str:project_name>/train/": calls(f"{P}/train/", get=V, post=M),
    "projects/<str:project_name>/train/jobs/": calls(f"{P}/train/jobs/", get=V),
    "projects/<str:project_name>/train/jobs/<str:job_id>/": calls(f"{P}/train/jobs/{{training}}/", get=V),
    "projects/<str:project_name>/train/jobs/<str:job_id>/progress.json": calls(
        f"{P}/train/jobs/{{training}}/progress.json", get=V
    ),
    "projects/<str:project_name>/train/jobs/<str:job_id>/cancel/": calls(
        f"{P}/train/jobs/{{training}}/cancel/", get=M, post=M
    ),
    "projects/<str:project_name>/label-errors/": calls(f"{P}/label-errors/", get=V),
    "projects/<str:project_name>/models/": calls(f"{P}/models/", get=V),
    "projects/<str:project_name>/models/<str:label>/": calls(f"{P}/models/m1/", get=V),
    "projects/<str:project_name>/models/<str:label>/entities/": calls(f"{P}/models/m1/entities/", get=V),
    "projects/<str:project_name>/models/<str:label>/confusion-matrix/": calls(
        f"{P}/models/m1/confusion-matrix/", get=V
    ),
    "projects/<str:project_name>/models/<str:label>/test-set/": calls(f"{P}/models/m1/test-set/", get=V),
    "projects/<str:project_name>/models/<str:label>/learning-curve/": calls(f"{P}/models/m1/learning-curve/", get=V),
    "projects/<str:project_name>/models/<str:label>/delete/": calls(f"{P}/models/m1/delete/", get=M, post=M),
    "projects/<str:project_name>/models/<str:label>/load-snapshot/": calls(
        f"{P}/models/m1/load-snapshot/", get=M, post=M
    ),
    "projects/<str:project_name>/deployments/": calls(f"{P}/deployments/", get=V),
    "projects/<str:project_name>/deployments/deploy/": calls(f"{P}/deployments/deploy/", post=M),
    "projects/<str:project_name>/deployments/swap/": calls(f"{P}/deployments/swap/", post=M),
    "projects/<str:project_name>/deployments/test/": calls(f"{P}/deployments/test/", post=V),
    "projects/<str:project_name>/deployments/status.json": calls(f"{P}/deployments/status.json", get=V),
    "projects/<str:project_name>/deployments/<str:deployment_name>/delete/": calls(
        f"{P}/deployments/prod/delete/", get=M, post=M
    ),
}


# The callers: (who signs in or whose key is sent, the key's role or None, "scoped" project).
@dataclass(frozen=True)
class Caller:
    name: str
    user: str | None  # the session's user; None: anonymous or a key
    key: str | None = None  # the world's key sent as Ocp-Apim-Subscription-Key


CALLERS = [
    Caller("anonymous", None),
    Caller("outsider", "outsider"),
    Caller("viewer", "viewer"),
    Caller("annotator", "annotator"),
    Caller("reviewer", "reviewer"),
    Caller("owner", "owner"),
    Caller("administrator", "admin"),
    Caller("key:viewer", None, "viewer"),
    Caller("key:annotator", None, "annotator"),
    Caller("key:reviewer", None, "reviewer"),
    Caller("key:owner", None, "owner"),
    Caller("key:elsewhere", None, "elsewhere"),
    Caller("key:unscoped", None, "unscoped"),
]
MEMBER_ROLES = {"viewer": Role.VIEWER, "annotator": Role.ANNOTATOR, "reviewer": Role.REVIEWER, "owner": Role.OWNER}


def is_api(path: str) -> bool:
    return path.startswith(("language/", "api/"))


def actions_of(caller: Caller) -> set[Action] | None:
    """What the caller may do in the project (None: it cannot see it)."""
    if caller.user in ("owner", "admin") or caller.key == "unscoped":
        return set(Action)
    if caller.user in MEMBER_ROLES:
        return set(ALLOWED[MEMBER_ROLES[caller.user]])
    if caller.key in MEMBER_ROLES:  # the owner's key scoped to the project in this role
        return set(ALLOWED[MEMBER_ROLES[caller.key]])
    return None  # outsiders; the owner's key for another project


def expected(call: Call, caller: Caller) -> str:
    """'ok' (past the gate), 'denied' (403), 'hidden' (404 for the project), 'login' (sign in / 401)."""
    signed_in = caller.user is not None or (caller.key is not None and is_api(call.path))
    if call.need == ANYONE:
        return "ok"
    if not signed_in:
        return "login"
    if call.need == SIGNED_IN:
        return "ok"
    if call.need == ADMIN:
        return "ok" if caller.user == "admin" else "denied"
    if call.need == CREATE:  # the owner was granted it; administrators always may; scoped keys never
        return "ok" if caller.user in ("owner", "admin") or caller.key == "unscoped" else "denied"
    if call.need == OWN_KEY:
        return "ok" if caller.user == "owner" else "hidden"
    if call.need == WRITE_PROJECT and actions_of(caller) is None:
        return "denied"  # neither the outsider nor a key for another project may create projects
    if call.need == WRITE_PROJECT:
        return "ok" if Action.MANAGE in actions_of(caller) else "denied"
    if call.need == RUNTIME_JOB:  # runtime jobs belong to the user who submitted them (any of their keys)
        return "ok" if caller.user in ("owner", "admin") or caller.key is not None else "hidden"
    actions = actions_of(caller)
    if actions is None:
        return "hidden"
    return "ok" if call.need in actions else "denied"


@dataclass
class World:
    ids: dict[str, object] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)


@pytest.fixture
def world(make_user) -> World:
    world = World()
    owner = make_user("owner")
    world.users = {
        "owner": owner,
        "admin": make_user("admin", superuser=True),
        "outsider": make_user("outsider", create_projects=False),
    }
    project = project_import(user=owner, name="p1", data=read_project(small_project("p1")))
    other = project_create(user=owner, name="q1")
    for name, role in MEMBER_ROLES.items():
        if role != Role.OWNER:
            world.users[name] = make_user(name, create_projects=False)
            membership_set(project=project, user=owner, username=name, role=role)
    trained_model_files(project, "m1", deployment="prod")
    expires = timezone.now() + timedelta(days=1)
    training = TrainingJob.objects.create(
        job_id="train-1", project=project, model_label="m1", training_config_version="2026-11-01-fast",
        evaluation_options={"kind": "percentage"}, status=JobStatus.SUCCEEDED, created_by=owner, expires_at=expires,
    )  # fmt: skip
    analyze = AnalyzeJob.objects.create(
        job_id="analyze-1", user=owner, status=JobStatus.SUCCEEDED, documents=[], tasks=[], expires_at=expires
    )
    loop = LoopJob.objects.create(job_id="loop-1", project=project, kind="prelabel", expires_at=expires)
    document = Document.objects.filter(project=project).order_by("pk").first()
    issue = LabelIssue.objects.create(job=loop, document=document, rank=1, kind="missing", score=0.5)
    jobs = {
        kind: job_record(kind=kind, project_name="p1", user=owner).job_id
        for kind in (OperationKind.IMPORT, OperationKind.EXPORT, OperationKind.LOAD_SNAPSHOT, OperationKind.SWAP)
    }
    deletion = job_record(kind=OperationKind.DELETION, project_name="p1", user=owner).job_id
    deployment_job = job_record(kind=OperationKind.DEPLOYMENT, project_name="p1", user=owner).job_id
    for name, role in MEMBER_ROLES.items():
        world.keys[name] = api_key_create(user=owner, name=f"{name} key", projects=[project], role=role)
    world.keys["elsewhere"] = api_key_create(user=owner, name="other project", projects=[other], role=Role.OWNER)
    world.keys["unscoped"] = api_key_create(user=owner, name="script")
    world.ids = {
        "issue": issue.pk,
        "p": "p1",
        "doc": document.pk,
        "label": Label.objects.filter(document=document).first().pk,
        "type": EntityType.objects.filter(project=project).first().pk,
        "membership": Membership.objects.get(project=project, user=world.users["viewer"]).pk,
        "own_key": ApiKey.objects.get(name="script").pk,
        "project_key": ApiKey.objects.get(name="viewer key").pk,
        "outsider_id": world.users["outsider"].pk,
        "training": training.job_id,
        "analyze": analyze.job_id,
        "loop": loop.job_id,
        "import": jobs[OperationKind.IMPORT],
        "export": jobs[OperationKind.EXPORT],
        "snapshot": jobs[OperationKind.LOAD_SNAPSHOT],
        "swap": jobs[OperationKind.SWAP],
        "deletion": deletion,
        "deployment": deployment_job,
    }
    return world


def routes() -> list[str]:
    """Every URL pattern the studio resolves, as its full route (Django's own admin aside)."""

    def walk(patterns, prefix: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("admin/")]


def test_every_url_has_an_entry():
    missing = sorted(set(routes()) - set(ROUTES))
    assert not missing, f"URLs without an entry in the role matrix (add one to ROUTES): {missing}"
    gone = sorted(set(ROUTES) - set(routes()))
    assert not gone, f"ROUTES entries for URLs that no longer exist: {gone}"


def _format(value, ids: dict):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _format(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_format(v, ids) for v in value]
    return value


def _request(client: Client, call: Call, world: World, caller: Caller):
    path = "/" + call.path.format(**world.ids)
    headers = {"Ocp-Apim-Subscription-Key": world.keys[caller.key]} if caller.key else {}
    if is_api(call.path):
        if call.path.startswith("language/"):
            path += ("&" if "?" in path else "?") + f"api-version={VERSION}"
        body = json.dumps(_format(call.body, world.ids) if call.body is not None else {})
        return client.generic(call.method, path, body, content_type="application/json", headers=headers)
    if call.method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, {}, headers=headers)


def _hidden_pattern(world: World) -> re.Pattern:
    """A 404 naming the project or one of its real jobs: the caller cannot see them."""
    names = [world.ids["p"]] + [str(world.ids[k]) for k in ("training", "analyze", "loop", "import", "export")]
    names += [str(world.ids[k]) for k in ("snapshot", "swap", "deletion", "deployment")]
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"(project|job) (?:'|&#x27;)({alternatives})(?:'|&#x27;) could not be found|That API key does not"
    )


def outcome(response, hidden: re.Pattern, *, runtime_job_client: Client | None = None, headers=None) -> str:
    status = response.status_code
    if status in (301, 302) and response["Location"].startswith("/login/?next="):
        return "login"
    if status == 401:
        return "login"
    if status == 403:
        return "denied"
    body = response.content.decode(errors="replace")
    if status == 404 and hidden.search(body):
        return "hidden"
    if status >= 500 and not (status == 503 and "healthz" in response.request["PATH_INFO"]):
        return f"error {status}: {body[:300]}"
    if status == 202 and runtime_job_client is not None:  # a runtime job reports an invisible project in its task
        job = runtime_job_client.get(response["Operation-Location"], headers=headers)
        return "hidden" if "ProjectNotFound" in job.content.decode() else "ok"
    return "ok"


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_role_matrix(route, world):
    hidden = _hidden_pattern(world)
    problems = []
    for call in ROUTES[route]:
        for caller in CALLERS:
            client = Client()
            if caller.user:
                client.force_login(world.users[caller.user])
            with transaction.atomic():  # rolled back: the next caller sees the same world
                response = _request(client, call, world, caller)
                headers = {"Ocp-Apim-Subscription-Key": world.keys[caller.key]} if caller.key else {}
                runtime_job = client if call.path == "language/analyze-text/jobs" else None
                got = outcome(response, hidden, runtime_job_client=runtime_job, headers=headers)
                transaction.set_rollback(True)
            want = expected(call, caller)
            if got != want:
                problems.append(f"{call.method} {call.path} as {caller.name}: {got}, expected {want}")
    assert not problems, "\n".join(problems)


def test_the_callers_are_what_the_matrix_says(world):
    """The world's keys are scoped as the callers claim (a guard against a fixture that grants too much)."""
    scoped = {key.name: (key.role, sorted(p.name for p in key.projects.all())) for key in ApiKey.objects.all()}
    assert scoped["viewer key"] == (Role.VIEWER, ["p1"])
    assert scoped["other project"] == (Role.OWNER, ["q1"])
    assert scoped["script"] == ("", [])
    assert not get_user_model().objects.get(username="outsider").has_perm("projects.add_project")
