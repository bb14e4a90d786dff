"""Site → In-site messages → Send an event: one business event to all active members or to
those a search finds, now or at a set time.

Three steps: choose the event (a GET form), fill in its variables and audience, review
how many members it reaches; the review's button queues the job under operation
protection and leads to the job's progress page. Nothing is sent in the request: the
worker runs the job (``services.notify.jobs``).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin_messages.forms import (
    BROADCAST_EVENTS,
    BroadcastForm,
    broadcast_event,
    form_for,
)
from blueprints.admin_messages.views import bp
from core import audit, catalog, protection
from extensions import db
from services.notify import audience as audiences
from services.notify import jobs
from services.notify import matrix as event_settings
from services.notify.dispatch import NotifyError

ACTION = "messages.broadcast"


@bp.route("/broadcast", methods=["GET", "POST"])
def broadcast():
    """GET: the event chooser, then the form of the chosen event (``?event=``; ``audience``
    and ``q`` may come along, e.g. from the members page). POST: the review, or the form
    again with its errors (or to change it: the review's "Change" button)."""
    spec = broadcast_event(request.values.get("event"))
    if spec is None:
        return _choose(unknown=bool(request.values.get("event")))
    if request.method == "GET":
        return _compose(form_for(spec, formdata=request.args))
    form = form_for(spec)
    if "change" in request.form or not form.validate_on_submit():
        return _compose(form)
    reach = audiences.count(form.audience.data, _described(form))
    if reach == 0:
        form.form_errors.append(_("No active member matches: nothing would be sent."))
        return _compose(form)
    return render_template("admin_messages/broadcast_review.html", form=form, spec=form.spec,
                           reach=reach, switches=event_settings.get(form.spec.name))


@bp.route("/broadcast/send", methods=["POST"])
@protection.protected(ACTION)
def broadcast_send():
    spec = broadcast_event(request.form.get("event"))
    if spec is None:
        return _choose(unknown=True)
    form = form_for(spec)
    if not form.validate_on_submit():
        return _compose(form)
    try:
        job = jobs.notify_all(spec.name, form.audience.data, member_filter=form.member_filter(),
                              variables=form.variables(), send_at=form.when, origin="admin",
                              admin_id=current_user.id)
    except NotifyError as refusal:
        db.session.rollback()
        text = f"[{refusal.code}] {catalog.message(refusal.code)} — {catalog.fix(refusal.code)}"
        form.form_errors.append(f"{text} ({refusal.detail})" if refusal.detail else text)
        return _compose(form)
    audit.record(ACTION, target=f"job {job.id}", changes={
        "event": [None, spec.name], "audience": [None, _audience_text(form)],
        "members": [None, job.total],
        "send_at": [None, form.when.isoformat() if form.when else None]})
    db.session.commit()
    flash(_("The event was queued for %(count)d members.", count=job.total), "success")
    return redirect(url_for(".job", job_id=job.id))


def _described(form: BroadcastForm) -> dict:
    return audiences.describe(form.audience.data, None, form.member_filter())


def _audience_text(form: BroadcastForm) -> str:
    if form.audience.data == audiences.FILTER:
        return f"filter: {form.member_filter()['q']}"
    return form.audience.data


def _choose(unknown: bool = False):
    return render_template("admin_messages/broadcast.html", form=None, spec=None,
                           events=BROADCAST_EVENTS, unknown=unknown,
                           carried={k: request.args.get(k, "")[:254] for k in ("audience", "q")})


def _compose(form: BroadcastForm):
    return render_template("admin_messages/broadcast.html", form=form, spec=form.spec,
                           events=BROADCAST_EVENTS, unknown=False, carried={})
