from django.contrib import admin

from annotation.models import ApiKey, Document, EntityType, Label, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "created_at")
    inlines = [MembershipInline]


@admin.register(EntityType)
class EntityTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "shortcut", "color")
    list_filter = ("project",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("location", "project", "dataset", "modified_at")
    list_filter = ("project", "dataset")
    search_fields = ("location",)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("document", "entity_type", "start", "end", "updated_by", "updated_at")
    raw_id_fields = ("document",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at")
    readonly_fields = ("key_hash", "prefix")
