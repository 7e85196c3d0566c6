from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.accounts"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.accounts.models import User
        from {{ cookiecutter.project_slug }}.platform.accounts.session_users import forget_changed_user

        # A changed or deleted user is read afresh by the next request (session_users.py).
        post_save.connect(forget_changed_user, sender=User, dispatch_uid="forget-session-user")
        post_delete.connect(forget_changed_user, sender=User, dispatch_uid="forget-session-user")
