"""Error pages for people and JSON errors for programs."""

import re

import pytest


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert '<html lang="vi">' in page
    assert "Không tìm thấy trang hoặc đối tượng yêu cầu." in page
    assert "Về trang chủ" in page


def test_unknown_page_keeps_the_chosen_language(client):
    client.post("/lang/en")

    page = client.get("/no-such-page").get_data(as_text=True)

    assert re.search(r'<html lang="en">', page)


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/inspections/abc/x", "/api/v2"])
def test_unknown_api_path_is_404_json(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]


def test_wrong_method_on_a_page_is_405_html(client):
    response = client.get("/logout")

    assert response.status_code == 405
    assert "Phương thức không được hỗ trợ." in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_details(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/_test/broken", "broken", broken)
    app.add_url_rule("/api/v1/_test_broken", "api_broken", broken)

    response = client.get("/_test/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in page
    assert "secret internals" not in page

    api_response = client.get("/api/v1/_test_broken")
    assert api_response.status_code == 500
    assert api_response.get_json() == {"error": "Đã xảy ra lỗi hệ thống. Dữ liệu chưa được ghi."}
