"""Site → In-site messages → Send an event to members: choose, review the reach, queue under
operation protection; the job page and the jobs list show how far it got."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import clock, crypto, settings
from extensions import db
from models import AuditEntry, Member, OutboxMessage
from models.queue import Job
from services.notify import jobs as notify_jobs
from services.notify.dispatch import NotifyError
from tests.notify.conftest import EN, ZH, make_member

BROADCAST = "/admin/messages/broadcast"
SEND = "/admin/messages/broadcast/send"
FORM = {"event": "push_notice", "var_title": "Maintenance", "var_body": "Friday 02:00",
        "audience": "all", "q": "", "send_at": ""}


@pytest.fixture
def members(app) -> list[Member]:
    """Three active members (two at example.org) and a disabled one, never reached."""
    made = [make_member(phone=f"+861380013800{n}", email=f"m{n}@{domain}")
            for n, domain in ((1, "example.org"), (2, "example.org"), (3, "example.com"))]
    make_member(phone="+8613800138009", email="off@example.org", status="disabled")
    return made


def jobs() -> list[Job]:
    return list(db.session.scalars(db.select(Job).order_by(Job.created_at)))


def reach(html: str) -> int:
    return int(re.search(r'class="reach-count">(\d+)<', html).group(1))


@pytest.mark.parametrize(("url", "zh_title", "en_title"), [
    (BROADCAST, "向会员发送事件", "Send an event to members"),
    (BROADCAST + "?event=push_notice", "变量和发送对象", "Variables and audience"),
    ("/admin/messages/jobs", "事件任务", "Event jobs"),
    ("/admin/messages/jobs?scope=all", "事件任务", "Event jobs")])
def test_the_pages_render_in_both_languages(signed_in, url, zh_title, en_title):
    zh = signed_in.get(url, headers=ZH)
    en = signed_in.get(url, headers=EN)
    assert zh.status_code == en.status_code == 200
    assert zh_title in zh.get_data(as_text=True) and 'lang="zh-CN"' in zh.get_data(as_text=True)
    assert en_title in en.get_data(as_text=True) and 'lang="en"' in en.get_data(as_text=True)


def test_only_business_events_are_offered(signed_in):
    html = signed_in.get(BROADCAST, headers=EN).get_data(as_text=True)
    offered = set(re.findall(r'<option value="([a-z_0-9]+)"', html))
    assert "push_notice" in offered and "server_opened" in offered
    assert not offered & {"register", "login", "operation_protection", "admin_login",
                          "admin_login_notice"}
    html = signed_in.get(BROADCAST + "?event=login", headers=EN).get_data(as_text=True)
    assert "unknown_event" in html and 'name="var_' not in html


def test_the_form_asks_for_the_events_own_variables(signed_in):
    html = signed_in.get(BROADCAST + "?event=server_renewed", headers=EN).get_data(as_text=True)
    assert {"var_server_name", "var_server_ip", "var_expires_at", "var_amount"} <= set(
        re.findall(r'name="(var_[a-z_]+)"', html))
    assert 'name="var_site_name"' not in html and 'name="var_member_name"' not in html
    assert "Asia/Shanghai" in html  # the send time is read in the site's time zone


def test_the_review_counts_the_active_members_it_reaches(signed_in, members):
    everyone = signed_in.post(BROADCAST, data=FORM, headers=EN).get_data(as_text=True)
    assert reach(everyone) == 3 and "Queue it for 3 members" in everyone
    found = signed_in.post(BROADCAST, data={**FORM, "audience": "filter", "q": "example.org"},
                           headers=EN).get_data(as_text=True)
    assert reach(found) == 2  # the disabled member matches the search but is not reached
    assert 'name="q" value="example.org"' in found  # carried to the queue button's form
    assert not jobs()  # reviewing queues nothing


def test_the_review_refuses_what_reaches_nobody_or_lacks_a_value(signed_in, members):
    nobody = signed_in.post(BROADCAST, data={**FORM, "audience": "filter", "q": "nobody.test"},
                            headers=EN).get_data(as_text=True)
    assert "No active member matches" in nobody and "reach-count" not in nobody
    no_term = signed_in.post(BROADCAST, data={**FORM, "audience": "filter"},
                             headers=EN).get_data(as_text=True)
    assert "Enter a search term" in no_term
    no_title = signed_in.post(BROADCAST, data={**FORM, "var_title": ""}, headers=EN)
    assert no_title.status_code == 200 and "reach-count" not in no_title.get_data(as_text=True)


def test_queuing_needs_operation_protection_then_runs_as_submitted(signed_in, members):
    response = signed_in.post(SEND, data=FORM)
    confirm = response.headers["Location"]
    assert response.status_code == 302 and "/admin/confirm/" in confirm
    assert not jobs()
    signed_in.post(confirm + "/send", data={"channel": "sms"})
    row = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    code = re.search(r"\d{6}", crypto.decrypt(row.content)).group(0)
    done = signed_in.post(confirm, data={"code": code, "confirm": "1"})
    [job] = jobs()
    assert done.headers["Location"].endswith(f"/admin/messages/jobs/{job.id}")
    assert (job.event, job.total) == ("push_notice", 3)


def test_queuing_makes_a_job_audits_it_and_leads_to_its_progress(confirmed, admin, members):
    response = confirmed.post(SEND, data={**FORM, "audience": "filter", "q": "example.org"},
                              headers=EN)
    [job] = jobs()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/messages/jobs/{job.id}")
    assert (job.origin, job.admin_id, job.audience, job.total) == ("admin", admin.id, "filter", 2)
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "messages.broadcast"))
    assert entry.target == f"job {job.id}" and entry.changes["members"] == [None, 2]
    page = confirmed.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "The event was queued for 2 members." in page
    # The inline queue ran it: in-site sent to both, WeChat skipped (no openid).
    assert (job.done, job.sent, job.skipped) == (2, 2, 2)
    assert '<span class="members-done">2</span> / <span class="members-total">2</span>' in page
    assert '<span class="count-sent">2</span>' in page and 'data-state="finished"' in page
    assert confirmed.get(f"/admin/messages/jobs/{job.id}", headers=ZH).status_code == 200


def test_a_send_time_is_read_in_the_site_time_zone(confirmed, members):
    settings.update({"basic.timezone": "Asia/Shanghai"})
    local = (clock.now() + timedelta(days=2)).astimezone(ZoneInfo("Asia/Shanghai"))
    typed = local.strftime("%Y-%m-%dT%H:%M")
    review = confirmed.post(BROADCAST, data={**FORM, "send_at": typed}, headers=EN)
    assert local.strftime("%Y-%m-%d %H:%M") in review.get_data(as_text=True)
    confirmed.post(SEND, data={**FORM, "send_at": typed})
    [job] = jobs()
    expected = datetime.strptime(typed, "%Y-%m-%dT%H:%M").replace(
        tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    assert job.due_at == expected and job.done == 0  # waits for its time
    page = confirmed.get(f"/admin/messages/jobs/{job.id}", headers=EN).get_data(as_text=True)
    assert 'data-state="scheduled"' in page and local.strftime("%Y-%m-%d %H:%M") in page


def test_a_send_time_too_far_or_not_a_time_is_a_form_error(signed_in, members):
    far = (clock.now() + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    html = signed_in.post(BROADCAST, data={**FORM, "send_at": far}, headers=EN).get_data(
        as_text=True)
    assert "at most a year ahead" in html and "reach-count" not in html
    html = signed_in.post(BROADCAST, data={**FORM, "send_at": "tomorrow"}, headers=EN).get_data(
        as_text=True)
    assert "Pick a date and time" in html


def test_a_refused_broadcast_is_a_form_error_with_its_fix_not_a_500(
        confirmed, members, monkeypatch):
    def refuse(*args, **kwargs):
        raise NotifyError("template_invalid", "push_notice/sms/zh_CN")

    monkeypatch.setattr(notify_jobs, "notify_all", refuse)
    response = confirmed.post(SEND, data=FORM, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "[template_invalid]" in html
    assert "push_notice/sms/zh_CN" in html and not jobs()
    assert not db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "messages.broadcast"))


def test_the_jobs_list_and_the_notification_log_show_progress(confirmed, members):
    member = members[0]
    notify_jobs.notify("push_notice", member, title="One", body="Just you")
    confirmed.post(SEND, data=FORM)
    broadcast = next(j for j in jobs() if j.audience == "all")
    listed = confirmed.get("/admin/messages/jobs", headers=EN).get_data(as_text=True)
    assert listed.count("data-job=") == 1 and f'data-job="{broadcast.id}"' in listed
    everything = confirmed.get("/admin/messages/jobs?scope=all", headers=EN).get_data(
        as_text=True)
    assert everything.count("data-job=") == 2
    log = confirmed.get("/admin/logs/notifications", headers=EN).get_data(as_text=True)
    assert f"/admin/messages/jobs/{broadcast.id}" in log
    assert '<span class="members-done">3</span> / <span class="members-total">3</span>' in log


def test_an_unknown_job_is_a_404(signed_in):
    assert signed_in.get("/admin/messages/jobs/0123456789abcdef").status_code == 404
    assert signed_in.get("/admin/messages/jobs/not-a-job!").status_code == 404


def test_a_members_search_leads_to_a_broadcast_to_its_members(signed_in, members):
    found = signed_in.get("/admin/members/?q=example.org", headers=EN).get_data(as_text=True)
    link = re.search(r'href="(/admin/messages/broadcast\?[^"]+)"', found).group(1)
    assert "audience=filter" in link and "q=example.org" in link
    chooser = signed_in.get(link.replace("&amp;", "&"), headers=EN).get_data(as_text=True)
    assert '<input type="hidden" name="q" value="example.org">' in chooser
    form = signed_in.get(BROADCAST + "?event=push_notice&audience=filter&q=example.org",
                         headers=EN).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="filter"', form)
    assert 'value="example.org"' in form


def test_change_on_the_review_goes_back_to_the_filled_in_form(signed_in, members):
    html = signed_in.post(BROADCAST, data={**FORM, "change": "1"}, headers=EN).get_data(
        as_text=True)
    assert 'value="Maintenance"' in html and "reach-count" not in html
