"""Schema page: add, rename, recolour, shortcuts (unique, not the editor's keys), delete with its label count."""

from __future__ import annotations

from annotation.models import EntityType, Label
from projects.services.projects import project_create
from tests.annotation.test_pages_permissions import make_team
from tests.annotation.test_pages_projects import signed_in


def test_schema_lists_types_with_label_counts_and_shortcuts(make_user):
    team = make_team(make_user, documents=3)
    page = signed_in(team.viewer).get("/projects/loans/schema/").content.decode()
    assert "1 entity type" in page
    assert "<kbd>p</kbd>" in page
    person = team.project.entity_types.get()
    assert f'href="/projects/loans/documents/?type={person.pk}">3</a>' in page


def test_add_entity_type(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    data = {"name": "Date", "color": "#aa00cc", "shortcut": "D"}
    response = client.post("/projects/loans/schema/", data, follow=True)
    assert "Entity type &#x27;Date&#x27; added." in response.content.decode()
    date = EntityType.objects.get(project=team.project, name="Date")
    assert (date.color, date.shortcut) == ("#aa00cc", "d")


def test_add_entity_type_errors_show_on_their_field(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    cases = [
        ({"name": "Person"}, "already has an entity type named"),
        ({"name": "Bad/Name"}, "these are not allowed"),
        ({"name": "Other", "shortcut": "P"}, "already the shortcut of &#x27;Person&#x27;"),
        ({"name": "Other", "shortcut": "z"}, "used by the labeling view itself"),
        ({"name": "Other", "shortcut": "["}, "used by the labeling view itself"),
        ({"name": "Other", "color": "red"}, "must look like #1f77b4"),
    ]
    for data, message in cases:
        response = client.post("/projects/loans/schema/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert list(team.project.entity_types.values_list("name", flat=True)) == ["Person"]


def test_a_name_differing_only_in_case_is_refused_on_add_and_rename(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    response = client.post("/projects/loans/schema/", {"name": "person"})
    assert response.status_code == 400
    assert (
        "Entity type &#x27;person&#x27; differs only in case from the entity type &#x27;Person&#x27;; "
        "entity type names are unique regardless of case." in response.content.decode()
    )
    client.post("/projects/loans/schema/", {"name": "Date", "shortcut": "d"})
    date = team.project.entity_types.get(name="Date")
    response = client.post(f"/projects/loans/schema/{date.pk}/", {"name": "PERSON", "shortcut": "d"})
    assert response.status_code == 400 and "differs only in case from the entity type" in response.content.decode()
    assert sorted(team.project.entity_types.values_list("name", flat=True)) == ["Date", "Person"]


def test_rename_recolour_and_change_shortcut(make_user):
    team = make_team(make_user)
    person = team.project.entity_types.get()
    response = signed_in(team.owner).post(
        f"/projects/loans/schema/{person.pk}/", {"name": "PersonName", "color": "#101010", "shortcut": "n"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.color, person.shortcut) == ("PersonName", "#101010", "n")
    assert Label.objects.filter(entity_type=person).count() == 3  # labels follow the renamed type


def test_update_errors_stay_on_the_row(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    client.post("/projects/loans/schema/", {"name": "Date", "shortcut": "d"})
    person = team.project.entity_types.get(name="Person")
    response = client.post(f"/projects/loans/schema/{person.pk}/", {"name": "Date", "color": "#101010"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="row-error"' in page and "already has an entity type named &#x27;Date&#x27;" in page
    response = client.post(f"/projects/loans/schema/{person.pk}/", {"name": "Person", "shortcut": "d"})
    assert response.status_code == 400 and "already the shortcut of &#x27;Date&#x27;" in response.content.decode()
    person.refresh_from_db()
    assert (person.name, person.shortcut) == ("Person", "p")


def test_delete_says_how_many_labels_go_and_needs_confirmation(make_user):
    team = make_team(make_user, documents=3)
    person = team.project.entity_types.get()
    client = signed_in(team.owner)
    page = client.get(f"/projects/loans/schema/{person.pk}/delete/").content.decode()
    assert "<strong>3 labels</strong> in 3 documents" in page
    response = client.post(f"/projects/loans/schema/{person.pk}/delete/", {})
    assert response.status_code == 400
    assert EntityType.objects.filter(pk=person.pk).exists() and Label.objects.count() == 3
    response = client.post(f"/projects/loans/schema/{person.pk}/delete/", {"confirm": "on"}, follow=True)
    assert "Entity type &#x27;Person&#x27; deleted with its 3 labels." in response.content.decode()
    assert not EntityType.objects.filter(pk=person.pk).exists() and Label.objects.count() == 0


def test_entity_type_of_another_project_is_404(make_user):
    team = make_team(make_user)
    other = project_create(user=team.owner, name="other")
    foreign = EntityType.objects.create(project=other, name="X")
    client = signed_in(team.owner)
    assert client.post(f"/projects/loans/schema/{foreign.pk}/", {"name": "Y"}).status_code == 404
    assert client.post(f"/projects/loans/schema/{foreign.pk}/delete/", {"confirm": "on"}).status_code == 404
    assert EntityType.objects.filter(pk=foreign.pk, name="X").exists()
