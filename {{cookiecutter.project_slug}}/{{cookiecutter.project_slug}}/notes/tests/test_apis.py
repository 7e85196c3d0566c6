from typing import Any

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User

pytestmark = pytest.mark.django_db

NOTES_URL = "/api/notes/"


def detail_url(note: Note) -> str:
    return f"{NOTES_URL}{note.pk}/"


def test_list_returns_only_the_requesting_users_notes(
    api_client: APIClient, user: User, other_user: User
) -> None:
    mine = NoteFactory.create_batch(2, owner=user)
    NoteFactory.create(owner=other_user)

    response = api_client.get(NOTES_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["id"] for item in body["results"]} == {note.pk for note in mine}


def test_list_is_paginated_newest_first(api_client: APIClient, user: User) -> None:
    notes = NoteFactory.create_batch(3, owner=user)

    first_page = api_client.get(NOTES_URL, {"page_size": 2}).json()
    second_page = api_client.get(NOTES_URL, {"page_size": 2, "page": 2}).json()

    assert first_page["count"] == 3
    assert [item["id"] for item in first_page["results"]] == [notes[2].pk, notes[1].pk]
    assert first_page["next"] is not None
    assert [item["id"] for item in second_page["results"]] == [notes[0].pk]
    assert second_page["next"] is None


def test_create_stores_the_note_for_the_requesting_user(api_client: APIClient, user: User) -> None:
    response = api_client.post(NOTES_URL, {"title": "Groceries", "body": "Milk"}, format="json")

    assert response.status_code == 201
    note = Note.objects.get(pk=response.json()["id"])
    assert (note.owner, note.title, note.body) == (user, "Groceries", "Milk")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "no title"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "body": None}, "body"),
    ],
)
def test_invalid_note_is_rejected_with_the_error_shape(
    api_client: APIClient, payload: dict[str, Any], field: str
) -> None:
    response = api_client.post(NOTES_URL, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert not Note.objects.exists()


def test_a_note_with_a_member_the_schema_does_not_list_is_refused(api_client: APIClient) -> None:
    # Found by the contract's fuzzer: an `errors` member, named like the one in the API's 400s.
    response = api_client.post(NOTES_URL, {"title": "ok", "errors": {}}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["errors"]
    assert not Note.objects.exists()


def test_a_patch_with_a_misspelt_member_changes_nothing(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, body="before")

    response = api_client.patch(detail_url(note), {"bdoy": "after"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["bdoy"]
    note.refresh_from_db()
    assert note.body == "before"


def test_malformed_json_is_a_400_with_the_error_shape(api_client: APIClient) -> None:
    response = api_client.post(NOTES_URL, b"{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_over_the_length_limit_is_rejected(api_client: APIClient) -> None:
    response = api_client.post(NOTES_URL, {"title": "Long", "body": "x" * 10_001}, format="json")

    assert response.status_code == 400
    assert "10000 characters" in response.json()["errors"]["body"][0]
    assert not Note.objects.exists()


def test_a_body_at_the_length_limit_is_stored(api_client: APIClient) -> None:
    response = api_client.post(NOTES_URL, {"title": "Long", "body": "x" * 10_000}, format="json")

    assert response.status_code == 201
    assert len(Note.objects.get().body) == 10_000


def test_the_schema_documents_the_body_length_limit(anonymous_client: APIClient) -> None:
    schema = anonymous_client.get("/api/schema/", {"format": "json"}).json()

    note_input = schema["components"]["schemas"]["NoteInput"]
    assert note_input["properties"]["body"]["maxLength"] == 10_000


def test_form_encoded_body_is_refused_as_unsupported(api_client: APIClient) -> None:
    response = api_client.post(NOTES_URL, {"title": "form"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_retrieve_returns_the_note(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Mine")

    response = api_client.get(detail_url(note))

    assert response.status_code == 200
    assert response.json()["title"] == "Mine"


def test_another_users_note_is_not_found(api_client: APIClient, other_user: User) -> None:
    theirs = NoteFactory.create(owner=other_user)

    for method in ("get", "patch", "put", "delete"):
        response = getattr(api_client, method)(detail_url(theirs), {"title": "x"}, format="json")
        assert response.status_code == 404, method
        assert response.json() == {"detail": "Not found.", "code": "not_found"}

    theirs.refresh_from_db()
    assert theirs.title != "x"


def test_patch_changes_only_the_given_fields(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Old", body="Keep me")

    response = api_client.patch(detail_url(note), {"title": "New"}, format="json")

    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.title, note.body) == ("New", "Keep me")


def test_put_replaces_the_note(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Old", body="Old body")

    response = api_client.put(detail_url(note), {"title": "New"}, format="json")

    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.title, note.body) == ("New", "")


def test_put_without_a_title_is_rejected(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Old")

    response = api_client.put(detail_url(note), {"body": "only body"}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    note.refresh_from_db()
    assert note.title == "Old"


def test_delete_removes_the_note(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user)

    response = api_client.delete(detail_url(note))

    assert response.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_anonymous_requests_are_refused(anonymous_client: APIClient) -> None:
    response = anonymous_client.get(NOTES_URL)

    assert response.status_code == {% if cookiecutter.use_supabase_auth == "y" %}401{% else %}403{% endif %}
    assert response.json()["code"] == "not_authenticated"


def test_unknown_api_url_is_a_json_404(api_client: APIClient) -> None:
    response = api_client.get("/api/does-not-exist/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
