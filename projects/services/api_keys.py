import secrets

from projects.authentication import hash_key
from projects.models import ApiKey


def api_key_create(*, user, name: str) -> str:
    """Creates a key for `user`; returns the raw key, which is never stored."""
    raw = secrets.token_hex(32)
    ApiKey.objects.create(user=user, name=name[:100], prefix=raw[:8], key_hash=hash_key(raw))
    return raw
