"""Creating a project and its schema, and deleting it with a typed confirmation, in real Chromium."""

from annotation.models import EntityType
from projects.models import Project
from projects.services.projects import project_create


def test_create_project_and_entity_type_through_the_ui(live_server, page, login, make_user, screenshot_dir):
    login(make_user("maker"))
    page.get_by_role("link", name="Create a project").click()
    page.get_by_label("Name").fill("contracts")
    page.get_by_label("Description").fill("Supplier contracts")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/projects/contracts/schema/")
    assert page.get_by_role("status").inner_text().startswith("Project 'contracts' created.")

    page.get_by_label("Name").fill("Supplier")
    page.get_by_label("Shortcut (optional)").fill("s")
    page.get_by_role("button", name="Add entity type").click()
    page.wait_for_selector("text=Entity type 'Supplier' added.")
    assert page.get_by_label("Name of Supplier").input_value() == "Supplier"
    assert EntityType.objects.filter(project__name="contracts", name="Supplier", shortcut="s").exists()

    page.get_by_label("Shortcut (optional)").fill("z")  # the labeling view's own undo key
    page.get_by_label("Name", exact=True).fill("Date")
    page.get_by_role("button", name="Add entity type").click()
    assert "used by the labeling view itself" in page.locator(".field-errors").inner_text()
    page.screenshot(path=screenshot_dir / "schema.png", full_page=True)


def test_delete_needs_the_typed_name(live_server, page, login, make_user):
    owner = make_user("owner")
    project_create(user=owner, name="doomed")
    login(owner)
    page.goto(f"{live_server.url}/projects/doomed/settings/")
    button = page.get_by_role("button", name="Delete project")
    assert button.is_disabled()
    page.get_by_label("Type the project name to confirm").fill("Doomed")
    assert button.is_disabled()
    page.get_by_label("Type the project name to confirm").fill("doomed")
    assert button.is_enabled()
    button.click()
    page.wait_for_url(f"{live_server.url}/")
    assert "were deleted" in page.get_by_role("status").inner_text()
    assert not Project.objects.filter(name="doomed").exists()
