"""Request parsers (kept apart from `studio.api`: DRF imports them while loading its own views)."""

from rest_framework.parsers import JSONParser


class MergePatchJSONParser(JSONParser):
    """Azure's PATCH sends `application/merge-patch+json`."""

    media_type = "application/merge-patch+json"
