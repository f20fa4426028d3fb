"""Following a job that a page started (the tests run jobs inside the request)."""

from __future__ import annotations


def started_job(client, response) -> tuple[dict, bytes | None]:
    """The job a page handed its work to (303 to the job page), and its result's bytes."""
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/jobs/"), location
    view = client.get("/api/v1/jobs/" + location.rsplit("/", 1)[-1]).get_json()
    if not view["result"]:
        return view, None
    download = client.get(view["result"])
    try:
        assert download.status_code == 200
        assert "attachment" in download.headers["Content-Disposition"]
        return view, download.data
    finally:
        download.close()
