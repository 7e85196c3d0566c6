import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    """A Celery task enqueued on behalf of a user. Its id is the Celery task id; its owner is
    what the status API checks, so knowing an id is not enough to read someone's result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"
