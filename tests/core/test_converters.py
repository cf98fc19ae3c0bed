"""Integer path parameters are bounded in one place: the URL map and the document agree."""
from __future__ import annotations

import pytest

from app.core.schemas import MAX_DB_INT


@pytest.mark.parametrize("path", [
    "/api/v1/users/me/favorites/99999999999999999999999",
    "/api/v1/users/me/history/9223372036854775808",
    f"/api/v1/users/me/history/{MAX_DB_INT + 1}",
    "/api/v1/users/me/favorites/\u0663",  # an Arabic-Indic 3: digits are ASCII digits
])
def test_ids_past_the_database_integer_are_not_found(client, user_headers, path):
    response = client.delete(path, headers=user_headers)
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_the_largest_id_is_still_a_route(client, user_headers):
    response = client.delete(f"/api/v1/users/me/favorites/{MAX_DB_INT}", headers=user_headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"] == {"removed": False}
    assert client.get(f"/api/v1/content/{MAX_DB_INT}").get_json()["error"]["code"] == "NOT_FOUND"


def test_the_document_states_the_bound_of_every_integer_path_parameter(client):
    document = client.get("/openapi.json").get_json()
    integers = [(path, parameter["schema"]) for path, item in document["paths"].items()
                for parameter in item.get("parameters", []) if parameter["schema"].get("type") == "integer"]
    assert len(integers) >= 8  # content, seasons, episodes, history entries, favorites, play
    for path, schema in integers:
        assert schema.get("maximum") == MAX_DB_INT and schema.get("minimum") == 0, (path, schema)
