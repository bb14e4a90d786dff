"""Error pages: each status with its catalog code; 500 rolls back; JSON for APIs."""

import pytest
from werkzeug.exceptions import Forbidden, TooManyRequests

from extensions import db
from models import SettingValue


@pytest.fixture
def failing_app(base_config):
    """A separate app (routes can't be added to the shared one after its first request)."""
    from app import create_app

    app = create_app(base_config)

    @app.route("/boom")
    def boom():
        db.session.add(SettingValue(name="basic.site_name", value='"half-written"'))
        db.session.flush()
        raise RuntimeError("boom")

    @app.route("/forbidden")
    def forbidden():
        raise Forbidden()

    @app.route("/slow-down")
    def slow_down():
        raise TooManyRequests()

    return app


def test_500_rolls_back_and_shows_a_catalog_page(failing_app, app):
    client = failing_app.test_client()
    response = client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "server_error" in text and "Traceback" not in text
    with failing_app.app_context():
        assert db.session.get(SettingValue, "basic.site_name") is None


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/forbidden", 403, "forbidden"),
    ("/slow-down", 429, "rate_limited"),
    ("/nowhere", 404, "not_found"),
])
def test_status_pages_name_their_code(failing_app, app, path, status, code):
    response = failing_app.test_client().get(path)
    assert response.status_code == status
    assert f"<code>{code}</code>" in response.get_data(as_text=True)


def test_json_errors_for_json_clients(failing_app, app):
    response = failing_app.test_client().get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["code"] == "not_found" and response.json["fix"]


def test_400_for_bad_request(client):
    response = client.post("/admin/login", data={"username": "x"}, csrf=False)
    assert response.status_code == 400
