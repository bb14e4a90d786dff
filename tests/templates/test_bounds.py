"""Size-taking filters, operators and calls are bounded *before* the work is done.

``{{ server_name|center(999999999) }}`` once passed the save checks and made a worker
allocate a gigabyte before the output limit refused it. Every case here is refused at save
(a literal size past the limit, or the older rules), refused at render for a template
stored before the checks existed, and measured in a subprocess to stay far below 50 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extensions import db
from models import MessageTemplate
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.dispatch import NotifyError
from services.notify.jobs import notify
from services.templates import rendering
from services.templates.validation import TemplateInvalid, check, validate
from tests.notify.conftest import SERVER_VARS, make_member

OPENED = events.get("server_opened")
ROOT = Path(__file__).resolve().parents[2]
BIG = "999999999"
# Each would build about a gigabyte (or more) without the checks.
EVIL = {
    "center": f"{{{{ server_name|center({BIG}) }}}}",
    "center keyword": f"{{{{ server_name|center(width={BIG}) }}}}",
    "indent": f"{{{{ server_name|indent({BIG}, true) }}}}",
    "truncate": f"{{{{ server_name|truncate({BIG}) }}}}",
    "truncate leeway": f"{{{{ server_name|truncate(9, false, '...', {BIG}) }}}}",
    "wordwrap": f"{{{{ server_name|wordwrap({BIG}) }}}}",
    "wordwrap wrapstring": "{{ server_name|wordwrap(1, wrapstring='x' * 10000) }}",
    "replace chain": "{{ server_name|replace('', 'x' * 9000)|replace('x', 'x' * 9000) }}",
    "format filter width": f"{{{{ '%{BIG}s'|format(server_name) }}}}",
    "format filter precision": f"{{{{ '%.{BIG}f'|format(1.5) }}}}",
    "percent width": f"{{{{ '%{BIG}s' % server_name }}}}",
    "percent star": f"{{{{ '%*s' % ({BIG}, server_name) }}}}",
    "str.format width": f"{{{{ '{{:>{BIG}}}'.format(server_name) }}}}",
    "str.format repeats": "{{ '{0:>40000}{0:>40000}'.format(server_name) }}",
    "ljust": f"{{{{ server_name.ljust({BIG}) }}}}",
    "str center": f"{{{{ server_name.center({BIG}) }}}}",
    "zfill": f"{{{{ server_name.zfill({BIG}) }}}}",
    "expandtabs": f"{{{{ ('\t' * 100).expandtabs({BIG}) }}}}",
    "string times": f"{{{{ server_name * {BIG} }}}}",
    "list times": f"{{{{ [''] * {BIG} }}}}",
    "list of big strings": "{{ ['x' * 10000] * 10000 }}",
    "join of repeats": "{{ range(20)|map('string')|join('x' * 5000) }}",
    "str.join": "{{ ('x' * 9000).join(range(10)) }}",
    "range": f"{{% for i in range({BIG}) %}}{{% endfor %}}",
    "range list": "{{ range(99999)|list }}",
    "batch": f"{{{{ [1]|batch({BIG}, 'x')|list }}}}",
    "slice": f"{{{{ [1]|slice({BIG})|list }}}}",
    "concat": "{{ server_name|center(60000) ~ server_name|center(60000) }}",
    "doubling ~": "{% set ns = namespace(x='x' * 9000) %}"
                  "{% for i in range(30) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "doubling +": "{% set ns = namespace(x='x' * 9000) %}"
                  "{% for i in range(30) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "squaring": "{% set ns = namespace(x=10**18) %}"
                "{% for i in range(30) %}{% set ns.x = ns.x * ns.x %}{% endfor %}",
}


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize("source", EVIL.values(), ids=EVIL.keys())
def test_each_case_is_refused_at_save(app, source):
    with pytest.raises(TemplateInvalid):
        validate(OPENED, "sms", {"text": source})


@pytest.mark.parametrize("source", EVIL.values(), ids=EVIL.keys())
def test_each_case_is_refused_at_render_before_the_work(app, source):
    with pytest.raises(rendering.OutputTooLarge) as refused:
        rendering.render_text(source, {"server_name": "hk-web-01"})
    assert "nothing was rendered" in str(refused.value)


def test_a_literal_size_past_the_limit_names_argument_and_limit(app):
    [problem] = check("Hi\n{{ server_name|center(999999999) }}", OPENED.variable_names(),
                      "text", 5000)
    assert str(problem) == ("Line 2: The width 999999999 given to center is larger than "
                            "65536, the most characters a message may have.")
    [problem] = check("{{ server_name|truncate(9, leeway=70000) }}", OPENED.variable_names(),
                      "text", 5000)
    assert "leeway 70000 given to truncate" in str(problem)
    assert list(check("{{ server_name|center(65536)|wordwrap(40) }}",
                      OPENED.variable_names(), "text", 5000)) == []
    [problem] = check("{{ server_name|center(40000) }}{{ server_name|center(width=40000) }}",
                      OPENED.variable_names(), "text", 5000)
    assert "add up to 80000" in str(problem)


@pytest.mark.parametrize("name", ["center", "replace chain", "str.format width", "concat"])
def test_a_template_stored_before_the_checks_is_refused_with_the_catalog_code(app, name):
    """Written straight to the store, as a template saved by an older release would be."""
    db.session.add(MessageTemplate(purpose="server_opened", channel="sms", locale="en",
                                   text=EVIL[name], template_code="", params={}))
    db.session.commit()
    rendering.forget_stored()
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms",))})
    with pytest.raises(NotifyError) as refused:
        notify("server_opened", make_member(language="en"), **SERVER_VARS)
    assert refused.value.code == "template_invalid" and "65536" in refused.value.detail


def test_preview_refuses_a_huge_width_inline(signed_in):
    response = signed_in.post("/admin/templates/server_opened/sms/en", data={
        "text": "{{ server_name|center(999999999) }}", "preview": "1"},
        headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "[template_invalid]" in html
    assert "The width 999999999 given to center" in html and "preview-text" not in html


def test_ordinary_uses_of_the_same_filters_still_render(app):
    source = ("{{ server_name|truncate(5, leeway=0) }}|{{ 'a b c d'|wordwrap(3) }}|"
              "{{ 'a'|center(5) }}|{{ '%5s'|format('x') }}|{{ 'x\ny'|indent(2, true) }}|"
              "{{ 'x'|replace('x', 'yy') }}|{{ range(3)|join(',') }}|{{ 'a' ~ 'b' }}")
    assert rendering.render_text(source, {"server_name": "hk-web-01"}) == \
        "hk...|a b\nc d|  a  |    x|  x\n  y|yy|0,1,2|ab"
    assert rendering.render_html("{{ '<b>' ~ server_name }}", {"server_name": "<x>"}) == \
        "&lt;b&gt;&lt;x&gt;"


MEASURE = """
import json, sys
from services.templates import rendering

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

rendering.render_text("{{ server_name|upper }}", {"server_name": "warm"})
before, refused = peak_kb(), []
for source in json.loads(sys.argv[1]):
    try:
        rendering.render_text(source, {"server_name": "hk-web-01"})
    except rendering.OutputTooLarge:
        refused.append(source)
print(json.dumps({"growth_kb": peak_kb() - before, "refused": len(refused)}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_rendering_every_case_stays_far_below_50_mb():
    """A fresh interpreter, so the peak (VmHWM) is this rendering's alone."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(list(EVIL.values()))],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["refused"] == len(EVIL)
    assert result["growth_kb"] < 50 * 1024, result
