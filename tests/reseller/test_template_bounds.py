"""Reseller templates render in the notification templates' size-bounded sandbox."""

from __future__ import annotations

import pytest

from services.reseller import templates


@pytest.mark.parametrize("content", [
    "{{ name|center(999999999) }}", "{{ name * 99999999 }}", "{{ range(99999999)|list }}",
])
def test_an_oversized_template_is_refused_at_save_without_building_it(app, content):
    with pytest.raises(templates.TemplateContentError):
        templates.variables_of(content)


def test_a_stored_template_that_would_grow_too_large_is_refused_at_render(app):
    with pytest.raises(templates.TemplateContentError):
        templates.render("{{ code * 9999999 }}", {"code": "12345678"})
    assert templates.render("Code {{ code }}", {"code": "1234"}) == "Code 1234"
