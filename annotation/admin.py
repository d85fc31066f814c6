from django.contrib import admin

from annotation.models import Document, EntityType, Label


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
