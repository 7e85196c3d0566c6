from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.login import (
    InvalidCredentials,
    known_device_remember,
    session_login,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
{%- if cookiecutter.use_supabase_auth == "y" %}
from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
{%- endif %}
from {{ cookiecutter.project_slug }}.platform.core.schema import error_responses
from {{ cookiecutter.project_slug }}.platform.core.serializers import InputSerializer, StrictCharField


class UserOutputSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "username", "email")


class LoginInputSerializer(InputSerializer[None]):
    username = StrictCharField()
    # As typed: spaces are part of a password (Django's own login form keeps them too).
    password = StrictCharField(style={"input_type": "password"}, trim_whitespace=False)


class LoginApi(APIView):
    """Starts a session (cookie) for the browsable API, the admin and same-site front ends."""

    # Anonymous by definition; JSON-only parsing keeps cross-site forms from posting here.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Password guessing is what rate limits are for: the strict "auth" rate per client address,
    # and budgets per account that only wrong passwords spend (accounts/login.py).
    throttle_scope = "auth"

    @extend_schema(
        request=LoginInputSerializer,
        responses={200: UserOutputSerializer, **error_responses(InvalidCredentials)},
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = session_login(request=request._request, **data.validated_data)
        response = Response(UserOutputSerializer(user).data)
        known_device_remember(request=request._request, response=response, user=user)
        return response


class LogoutApi(APIView):
    throttle_scope = "auth"

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
{%- if cookiecutter.use_supabase_auth == "y" %}


class MeOutputSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(source="supabase_roles", child=serializers.CharField())

    class Meta:
        model = User
        fields = ("id", "supabase_id", "email", "roles")


class MeApi(APIView):
    """The caller, as the API knows them (from their Supabase access token or session)."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(requesting_user(request)).data)
{%- endif %}
