from django.urls import path

from {{ cookiecutter.project_slug }}.accounts.apis import LoginApi, LogoutApi

urlpatterns = [
    path("login/", LoginApi.as_view(), name="auth-login"),
    path("logout/", LogoutApi.as_view(), name="auth-logout"),
]
