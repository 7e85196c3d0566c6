from django.contrib.auth.models import AbstractUser
{%- if cookiecutter.use_supabase_auth == "y" %}
from django.db import models
{%- endif %}


class User(AbstractUser):
    """The project's own user model from day one: swapping it in later means rewriting
    migrations across every app that points at a user."""
{%- if cookiecutter.use_supabase_auth == "y" %}

    # Supabase Auth's user id (the token's `sub`): how an API caller maps to this row.
    supabase_id = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # From the token's app_metadata.roles, which only the project (not the user) can write.
    supabase_roles = models.JSONField(default=list, blank=True)
{%- endif %}
