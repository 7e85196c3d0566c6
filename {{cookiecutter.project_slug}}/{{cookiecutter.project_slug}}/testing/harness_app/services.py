"""No model of its own: the harness app stores what it is given in the user's `first_name`,
enough for the tests that need a write (committed, visible to other processes) and a cached read."""

from typing import TypedDict, cast

from django.core.cache import cache
from django.db import transaction

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import domain_event

HARNESS_SAVED = "harness.saved"


class HarnessData(TypedDict):
    user: int
    name: str


def _cache_key(user_id: int) -> str:
    return f"harness:user:{user_id}"


def harness_read(*, user: User) -> HarnessData:
    """The user's stored value through the cache (shared by every server of the deployment)."""
    cached = cache.get(_cache_key(user.pk))
    if isinstance(cached, dict):
        return cast(HarnessData, cached)
    fresh = User.objects.values_list("first_name", flat=True).get(pk=user.pk)
    data: HarnessData = {"user": user.pk, "name": fresh}
    cache.set(_cache_key(user.pk), data)
    return data


@transaction.atomic
def harness_save(*, user: User, name: str) -> HarnessData:
    """Store `name`, drop the cached read once committed and announce `harness.saved`."""
    User.objects.filter(pk=user.pk).update(first_name=name)
    transaction.on_commit(lambda: cache.delete(_cache_key(user.pk)))
    domain_event(name=HARNESS_SAVED, owner_id=user.pk, data={"name": name})
    return {"user": user.pk, "name": name}
