from celery import shared_task

from {{ cookiecutter.project_slug }}.platform.accounts.models import User


@shared_task(acks_late=True, reject_on_worker_lost=True)
def harness_word_count(user_id: int) -> dict[str, int]:
    """Counts the words of the user's stored name and records the count in `last_name`.
    Idempotent (a set, not an increment), so it may be redelivered."""
    name = User.objects.values_list("first_name", flat=True).get(pk=user_id)
    words = len(name.split())
    User.objects.filter(pk=user_id).update(last_name=f"{words} words")
    return {"words": words}
