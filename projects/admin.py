from django.contrib import admin

from projects.models import ApiKey, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "created_at")
    inlines = [MembershipInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "role", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")
    filter_horizontal = ("projects",)
