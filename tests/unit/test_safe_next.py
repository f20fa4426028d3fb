"""`safe_next` keeps post-login redirects on this site."""

import pytest

from inspect_app.web.navigation import safe_next


@pytest.mark.parametrize(
    "target", ["/", "/x", "/inspections/5?tab=findings", "/a/b#c", "/search?q=%2F%2Fevil"]
)
def test_own_paths_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "x",
        "//evil.com",
        "///evil.com",
        "https://evil.com",
        "http:/evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        " /x",
        "/\t/evil.com",
        "/\n/evil.com",
    ],
)
def test_foreign_or_odd_targets_are_refused(target):
    assert safe_next(target) is None
