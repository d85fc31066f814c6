"""`{% extension_slot "documents.panel" %}`: renders what other apps registered for that place of a page
(`annotation.extensions`), each template with its app's context on top of the page's."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from annotation.extensions import page_slots

register = template.Library()


@register.simple_tag(takes_context=True)
def extension_slot(context, slot: str) -> SafeString:
    request, project = context.get("request"), context.get("project")
    parts = []
    for extension in page_slots(slot):
        extra = extension.context(request=request, project=project, page=context)
        if extra is None:
            continue
        with context.push(**extra):
            parts.append(context.template.engine.get_template(extension.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped by the engine
