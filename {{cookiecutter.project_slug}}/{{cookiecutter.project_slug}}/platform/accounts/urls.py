from django.urls import path

from {{ cookiecutter.project_slug }}.platform.accounts.apis import LoginApi, LogoutApi{% if cookiecutter.use_supabase_auth == "y" %}, MeApi{% endif %}

urlpatterns = [
    path("auth/login/", LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
{%- if cookiecutter.use_supabase_auth == "y" %}
    path("me/", MeApi.as_view(), name="me"),
{%- endif %}
]
