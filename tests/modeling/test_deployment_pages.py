"""The deployments page: who sees and may use which controls, deploy / redeploy / swap / delete with their
confirmations and errors, and the test panel running a real tiny model through the runtime."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modeling.models import Deployment
from modeling.services.deployments import deployment_deploy
from projects.services.api_keys import api_key_create
from studio.limits import RUNTIME_CHARACTERS_MAX
from tests.modeling.test_pages import Team, evaluation_documents, make_model, make_team, messages_of, url

TEXT = "This loan agreement is made between Acme Bank and Wei Zhang for $5,000."
EMOJI_TEXT = "😀😀 Wei Zhang agrees to repay $1,200 to Contoso Finance 😀 in monthly installments."


@pytest.fixture
def team(make_user) -> Team:
    return make_team(make_user)


@pytest.fixture
def deployed(team) -> Team:
    """Models m1 and m2 (records only), m1 deployed as prod and m2 as staging."""
    for label, name in (("m1", "prod"), ("m2", "staging")):
        make_model(team.project, label)
        deployment_deploy(user=team.owner, project=team.project, name=name, model_label=label)
    return team


def serving(team: Team) -> dict[str, str]:
    return dict(Deployment.objects.filter(project=team.project).values_list("name", "trained_model__label"))


def page_of(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------------------------ the page


@pytest.mark.parametrize("who", ["owner", "annotator", "viewer"])
def test_every_member_sees_deployments_and_the_test_panel(deployed, who):
    page = page_of(deployed.client(who).get(url(deployed, "deployments/")))
    assert 'href="/projects/loans/deployments/" aria-current="page">Deployments</a>' in page
    for name, label in (("prod", "m1"), ("staging", "m2")):
        assert f'<tr data-deployment="{name}">' in page
        assert f'href="/projects/loans/models/{label}/">{label}</a>' in page
    assert page.count('class="m-f1-pill"') == 2
    assert "Test deployment" in page and 'name="text"' in page and 'type="file" name="file"' in page
    assert "begin_recognize_custom_entities" in page
    assert "/language/:analyze-text?api-version=2023-04-01" in page
    assert "python manage.py createapikey NAME --user" in page
    owner_controls = ["/deployments/deploy/", "/deployments/swap/", "/deployments/prod/delete/", "Deploy a model"]
    if who == "owner":
        assert all(control in page for control in owner_controls)
    else:
        assert not any(control in page for control in owner_controls)
        assert "project owners deploy, swap and delete them" in page


def test_empty_state_points_to_the_models(team):
    make_model(team.project)
    page = page_of(team.client("owner").get(url(team, "deployments/")))
    assert "No deployments yet — deploy a trained model" in page
    assert 'href="/projects/loans/models/"' in page
    assert 'name="text"' not in page  # nothing to test yet
    assert '<option value="m1">m1 — F1' in page


def test_outsiders_get_404_and_anonymous_users_sign_in(deployed):
    for path in ("deployments/", "deployments/prod/delete/"):
        assert deployed.client("outsider").get(url(deployed, path)).status_code == 404
    response = Client().get(url(deployed, "deployments/"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# ------------------------------------------------------------------------------------------------ owners deploy


def test_owner_deploys_a_model_under_a_new_name(deployed):
    client = deployed.client("owner")
    response = client.post(url(deployed, "deployments/deploy/"), {"name": "canary", "model": "m2"})
    assert response.status_code == 302 and response["Location"] == "/projects/loans/deployments/"
    assert serving(deployed) == {"prod": "m1", "staging": "m2", "canary": "m2"}
    assert "Model 'm2' is deployed as 'canary'." in messages_of(client.get(response["Location"]))


def test_redeploying_a_name_says_which_model_it_replaces_and_asks_first(deployed):
    client = deployed.client("owner")
    response = client.post(url(deployed, "deployments/deploy/"), {"name": "prod", "model": "m2"})
    page = page_of(response)
    assert response.status_code == 200
    assert "Redeploy “prod”?" in page
    assert "serves model" in page and "<strong>m1</strong>" in page and "<strong>m2</strong></a> replaces it" in page
    assert 'name="confirmed" value="yes"' in page
    assert serving(deployed)["prod"] == "m1"  # nothing changes before the confirmation

    response = client.post(url(deployed, "deployments/deploy/"), {"name": "prod", "model": "m2", "confirmed": "yes"})
    assert response.status_code == 302
    assert serving(deployed) == {"prod": "m2", "staging": "m2"}
    assert "Deployment 'prod' now serves model 'm2' (it served 'm1')." in messages_of(client.get(response["Location"]))


def test_swap_is_confirmed_then_exchanges_the_models(deployed):
    client = deployed.client("owner")
    response = client.post(url(deployed, "deployments/swap/"), {"first": "prod", "second": "staging"})
    page = page_of(response)
    assert response.status_code == 200 and "Swap “prod” and “staging”?" in page
    assert serving(deployed) == {"prod": "m1", "staging": "m2"}
    response = client.post(
        url(deployed, "deployments/swap/"), {"first": "prod", "second": "staging", "confirmed": "yes"}
    )
    assert response.status_code == 302
    assert serving(deployed) == {"prod": "m2", "staging": "m1"}


def test_delete_is_confirmed_then_removes_only_the_deployment(deployed):
    client = deployed.client("owner")
    page = page_of(client.get(url(deployed, "deployments/staging/delete/")))
    assert "Delete deployment “staging”?" in page and "is not deleted" in page
    response = client.post(url(deployed, "deployments/staging/delete/"))
    assert response.status_code == 302
    assert serving(deployed) == {"prod": "m1"}
    assert deployed.project.trained_models.filter(label="m2").exists()
    assert client.post(url(deployed, "deployments/staging/delete/")).status_code == 404


@pytest.mark.parametrize("who", ["annotator", "viewer"])
def test_non_owners_cannot_deploy_swap_or_delete(deployed, who):
    client = deployed.client(who)
    posts = [
        ("deployments/deploy/", {"name": "canary", "model": "m1"}),
        ("deployments/deploy/", {"name": "prod", "model": "m2", "confirmed": "yes"}),
        ("deployments/swap/", {"first": "prod", "second": "staging", "confirmed": "yes"}),
        ("deployments/prod/delete/", {}),
    ]
    for path, data in posts:
        response = client.post(url(deployed, path), data)
        assert response.status_code == 403, path
        assert "does not allow you to change this project" in page_of(response)
    assert client.get(url(deployed, "deployments/prod/delete/")).status_code == 403
    assert serving(deployed) == {"prod": "m1", "staging": "m2"}


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"name": "bad name!", "model": "m1"}, 400, "Deployment name 'bad name!' is invalid"),
        ({"name": "", "model": "m1"}, 400, "Deployment name '' is invalid"),
        ({"name": "x" * 51, "model": "m1"}, 400, "use 1-50 characters"),
        ({"name": "canary", "model": "nope"}, 404, "The model 'nope' could not be found in project 'loans'."),
        ({"name": "prod", "model": "nope"}, 404, "The model 'nope' could not be found in project 'loans'."),
    ],
)
def test_deploy_errors_are_shown_and_change_nothing(deployed, data, status, message):
    response = deployed.client("owner").post(url(deployed, "deployments/deploy/"), data)
    assert response.status_code == status
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert 'class="message message-error"' in page_of(response)
    assert f'value="{data["name"]}"' in page_of(response)  # the form keeps what was typed
    assert serving(deployed) == {"prod": "m1", "staging": "m2"}


def test_an_eleventh_deployment_is_refused(deployed):
    for i in range(8):
        deployment_deploy(user=deployed.owner, project=deployed.project, name=f"d{i}", model_label="m1")
    client = deployed.client("owner")
    assert "the limit: redeploy one of their names or delete one" in page_of(client.get(url(deployed, "deployments/")))
    response = client.post(url(deployed, "deployments/deploy/"), {"name": "eleventh", "model": "m1"})
    assert response.status_code == 400
    assert messages_of(response) == ["The project already has 10 deployments, the limit; redeploy or delete one."]
    assert Deployment.objects.count() == 10


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("prod", "prod", "Swapping a deployment with itself changes nothing"),
        ("prod", "gone", "The deployment 'gone' could not be found in project 'loans'."),
    ],
)
def test_swap_errors_are_shown_and_change_nothing(deployed, first, second, message):
    response = deployed.client("owner").post(
        url(deployed, "deployments/swap/"), {"first": first, "second": second, "confirmed": "yes"}
    )
    assert response.status_code in (400, 404)
    assert any(message in m for m in messages_of(response))
    assert serving(deployed) == {"prod": "m1", "staging": "m2"}


# ------------------------------------------------------------------------------------------------ test panel


@pytest.fixture
def served(team, deploy_tiny) -> Team:
    deploy_tiny(team.project, user=team.owner)  # model m1 deployed as prod
    return team


def run_test(team: Team, who: str = "owner", **data):
    body = {"deployment": "prod", "language": "en-us", "text": TEXT, **data}
    return team.client(who).post(url(team, "deployments/test/"), body)


@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_the_test_panel_highlights_predicted_entities_and_shows_the_json(served, who):
    response = run_test(served, who)
    assert response.status_code == 200
    result = response.context["result"]
    answer = json.loads(result["json"])
    assert answer["kind"] == "CustomEntityRecognitionResults"
    entities = answer["results"]["documents"][0]["entities"]
    assert {e["category"] for e in entities} >= {"Lender", "Borrower"}
    page = page_of(response)
    colors = dict(served.project.entity_types.values_list("name", "color"))
    for entity in entities:
        assert TEXT[entity["offset"] : entity["offset"] + entity["length"]] == entity["text"]
        confidence = f"{100 * entity['confidenceScore']:.1f}%"
        assert (
            f'<mark class="m-ent" style="--chip: {colors[entity["category"]]}" '
            f'title="{entity["category"]} · confidence {confidence}">{entity["text"]}'
            f'<span class="m-ent-tag">{entity["category"]}<span class="m-ent-conf">{confidence}</span></span></mark>'
        ) in page
    assert "".join(f.text for f in result["fragments"]) == TEXT
    assert 'id="panel-json"' in page and "&quot;kind&quot;: &quot;CustomEntityRecognitionResults&quot;" in page
    assert "&quot;stringIndexType&quot;" not in page  # the answer, not the request


def test_the_panel_shows_what_the_public_endpoint_answers(served):
    panel = json.loads(run_test(served, text=EMOJI_TEXT).context["result"]["json"])
    key = api_key_create(user=served.owner, name="compare")
    api = Client().post(
        "/language/:analyze-text?api-version=2023-04-01",
        json.dumps({
            "kind": "CustomEntityRecognition",
            "parameters": {"projectName": "loans", "deploymentName": "prod", "stringIndexType": "UnicodeCodePoint"},
            "analysisInput": {"documents": [{"id": "1", "language": "en-us", "text": EMOJI_TEXT}]},
        }),
        content_type="application/json",
        headers={"Ocp-Apim-Subscription-Key": key},
    )  # fmt: skip
    assert api.status_code == 200
    assert panel == api.json()
    for entity in panel["results"]["documents"][0]["entities"]:  # code points: emoji count once
        assert EMOJI_TEXT[entity["offset"] : entity["offset"] + entity["length"]] == entity["text"]


def test_user_text_is_escaped_in_the_result_and_the_json(served):
    hostile = 'Acme Bank lends $5,000 to Wei Zhang. <script>alert("x")</script> <img src=x onerror=alert(1)>'
    page = page_of(run_test(served, text=hostile))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_an_uploaded_utf8_file_is_tested_and_shown_in_the_text_box(served):
    upload = SimpleUploadedFile("loan.txt", ("\ufeff" + EMOJI_TEXT).encode("utf-8"), content_type="text/plain")
    response = run_test(served, text="", file=upload)
    assert response.status_code == 200
    assert "".join(f.text for f in response.context["result"]["fragments"]) == EMOJI_TEXT  # BOM dropped
    assert f"{EMOJI_TEXT}</textarea>" in page_of(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": SimpleUploadedFile("latin1.txt", "Préstamo a José".encode("cp1252"))},
         "'latin1.txt' is not UTF-8 text; save it with UTF-8 encoding and upload it again."),
        ({"file": SimpleUploadedFile("loan.pdf", b"%PDF-1.4")}, "'loan.pdf' is not a .txt file"),
        ({"text": "   "}, "Paste some text or upload a .txt file to test."),
        ({"text": "a" * (RUNTIME_CHARACTERS_MAX + 1)}, "The text has 125,001 characters; the limit is 125,000."),
        ({"deployment": "gone"}, "Select a valid choice. gone is not one of the available choices."),
    ],
)  # fmt: skip
def test_bad_test_input_gets_a_clear_error(served, data, message):
    response = run_test(served, **({"text": ""} if "file" in data else {}), **data)
    assert response.status_code == 400
    assert message in html.unescape(page_of(response))
    assert "result" not in response.context


def test_crlf_line_breaks_from_the_browser_count_once(served):
    response = run_test(served, text="Acme Bank lends $5,000\r\nto Wei Zhang.")
    assert "".join(f.text for f in response.context["result"]["fragments"]) == "Acme Bank lends $5,000\nto Wei Zhang."


# ------------------------------------------------------------------------------------------------ a useless model


@pytest.fixture
def weak(team) -> Team:
    """Model m1 (F1 83 %) and model weak, which found none of the test labels; weak deployed as prod."""
    make_model(team.project, "m1")
    missed = [{**d, "predicted": []} for d in evaluation_documents(team.project)]
    make_model(team.project, "weak", missed)
    deployment_deploy(user=team.owner, project=team.project, name="prod", model_label="weak")
    return team


def row_of(page: str, deployment: str) -> str:
    start = page.index(f'<tr data-deployment="{deployment}">')
    return page[start : page.index("</tr>", start)]


def test_the_list_and_the_deploy_form_say_a_model_finds_almost_nothing(weak):
    page = page_of(weak.client("owner").get(url(weak, "deployments/")))
    row = row_of(page, "prod")
    assert '<span class="m-f1-pill m-f1-weak"' in row and ">0.0%</span>" in row
    assert '<a class="m-weak-note" href="/projects/loans/models/weak/#guidance">finds almost nothing</a>' in row
    assert '<option value="weak">weak — F1 0.0% — finds almost nothing</option>' in page
    assert re.search(r'<option value="m1">m1 — F1 \d+\.\d%</option>', page)
    # The form warns about the chosen model (the newest, weak, unless chosen otherwise; the script follows the choice).
    assert page.count("data-model-warning=") == 1
    assert '<p class="m-weak-warning" data-model-warning="weak">' in page
    assert "<strong>weak finds almost nothing</strong> (F1 0.0%, recall 0.0%)" in page
    assert 'href="/projects/loans/models/weak/#guidance">What to do</a>' in page


def test_a_good_model_gets_no_warning(weak):
    deployment_deploy(user=weak.owner, project=weak.project, name="prod", model_label="m1")
    page = page_of(weak.client("owner").get(url(weak, "deployments/")))
    row = row_of(page, "prod")
    assert '<span class="m-f1-pill" title=' in row and "m-f1-weak" not in row
    assert "finds almost nothing" not in row


def test_redeploying_with_a_useless_model_warns_before_the_confirmation(weak):
    deployment_deploy(user=weak.owner, project=weak.project, name="prod", model_label="m1")
    page = page_of(weak.client("owner").post(url(weak, "deployments/deploy/"), {"name": "prod", "model": "weak"}))
    assert "Redeploy “prod”?" in page
    assert "<strong>weak finds almost nothing</strong> (F1 0.0%, recall 0.0%): callers of “prod”" in page


def test_the_models_list_and_the_overview_say_it_too(weak):
    client = weak.client("viewer")
    models = page_of(client.get(url(weak, "models/")))
    assert models.count("finds almost nothing") == 1
    assert '<a class="m-weak-note" href="/projects/loans/models/weak/#guidance">finds almost nothing</a>' in models
    overview = page_of(client.get(url(weak, "models/weak/")))
    assert 'href="/projects/loans/models/weak/#guidance">Finds almost nothing</a></h1>' in overview
    kinds = re.findall(r'data-kind="(\w+)"', overview)
    assert kinds[0] == "finds_almost_nothing"  # the first, most severe item of the guidance
    assert "The model finds almost nothing" in overview and "m-score-weak" in overview
    assert "finds almost nothing" not in page_of(client.get(url(weak, "models/m1/"))).lower()


# ------------------------------------------------------------------------------------------------ loading


def test_the_status_says_whether_each_model_is_loaded_in_this_process(served, deploy_tiny):
    from modeling import serving
    from modeling.models import TrainedModel

    model = TrainedModel.objects.get(project=served.project, label="m1")
    serving.forget(model.model_id)
    status = served.client("viewer").get(url(served, "deployments/status.json")).json()
    assert status == {
        "deployments": [
            {
                "name": "prod",
                "model": "m1",
                "state": "notLoaded",
                "badge": "Loads on first call",
                "notice": "Model m1 is not loaded in this server process yet: the first test loads it, which takes "
                "a few seconds.",
            }
        ]
    }
    page = page_of(served.client("viewer").get(url(served, "deployments/")))
    assert 'data-load-state="notLoaded"' in page and "the first test loads it" in page
    assert run_test(served).status_code == 200  # loads it
    [status] = served.client("viewer").get(url(served, "deployments/status.json")).json()["deployments"]
    assert (status["state"], status["badge"], status["notice"]) == ("ready", "Ready", "")
    page = page_of(served.client("viewer").get(url(served, "deployments/")))
    assert 'data-load-state="ready"' in page and "data-load-notice hidden" in page


def test_the_status_is_for_members_only(served):
    assert served.client("outsider").get(url(served, "deployments/status.json")).status_code == 404
    assert Client().get(url(served, "deployments/status.json")).status_code == 302
