"""The caller as the API knows them: present in a project whose users sign in with Supabase."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user


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
