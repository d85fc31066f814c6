"""Creating projects became a permission (`projects.add_project`, granted on the Users page). The accounts that
existed before it could all create projects, so every active one keeps that ability; superusers need no grant.

On a fresh database there is no one to grant it to. When there is, Django's post_migrate has not necessarily made
the permission yet (it runs after all migrations), so it is made here, as post_migrate would make it.
"""

from django.conf import settings
from django.db import migrations


def grant_project_creation(apps, schema_editor):
    db = schema_editor.connection.alias
    users = apps.get_model(settings.AUTH_USER_MODEL)
    user_ids = list(users.objects.using(db).filter(is_active=True, is_superuser=False).values_list("pk", flat=True))
    if not user_ids:
        return
    content_type, _ = (
        apps.get_model("contenttypes", "ContentType")
        .objects.db_manager(db)
        .get_or_create(app_label="projects", model="project")
    )
    permission, _ = (
        apps.get_model("auth", "Permission")
        .objects.db_manager(db)
        .get_or_create(content_type=content_type, codename="add_project", defaults={"name": "Can add project"})
    )
    grants = users.user_permissions.through
    grants.objects.using(db).bulk_create(
        [grants(user_id=pk, permission_id=permission.pk) for pk in user_ids], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_api_key_scope"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Nothing to undo: going back cannot tell these grants from an administrator's.
    operations = [migrations.RunPython(grant_project_creation, migrations.RunPython.noop)]
