"""System → Logs → Verification-code log (seed 000's columns), and the site alerts banner."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.admin_logs.views import bp
from core import audit, clock, protection
from core.paging import requested_page, requested_per_page
from extensions import db
from gateways.base import gateway_class
from models.alert import SiteAlert
from models.code import CODE_STATUSES, VerificationCode
from models.delivery import DeliveryAttempt
from models.member import Member
from services.codes import code_log
from services.codes import issue as code_service
from services.notify import events


@bp.record_once
def _template_globals(state) -> None:
    # The admin layout shows open alerts (e.g. the hourly code ceiling) on every page.
    state.app.jinja_env.globals["open_site_alerts"] = open_site_alerts
    # Every delivery log names a gateway by its provider, not its id.
    state.app.jinja_env.globals["gateway_label"] = gateway_label
    # Every page that masks a code offers the reveal below only for a code it can show.
    state.app.jinja_env.globals["code_revealable"] = code_service.revealable


def open_site_alerts() -> list[SiteAlert]:
    try:
        return list(db.session.scalars(db.select(SiteAlert).where(SiteAlert.resolved_at.is_(None))
                                       .order_by(SiteAlert.id.desc()).limit(5)))
    except Exception:  # an error page must render even when the database is down
        db.session.rollback()
        return []


@bp.route("/codes")
def codes():
    filters = code_log.read_filters(request.args)
    page = code_log.CodeLogPage(filters, requested_page(), requested_per_page())
    fixes = sorted({row.error for row in page.items if row.error})
    return render_template(
        "admin_logs/codes.html", page=page, filters=filters, fixes=fixes,
        scenes=[events.EVENTS[name] for name in events.SCENES], statuses=CODE_STATUSES,
        members=_members(page.items), attempts=_attempts(page.items))


def _attempts(rows) -> dict[int, DeliveryAttempt]:
    """The delivery attempt behind each row: its delivery status and "check" button."""
    ids = {row.attempt_id for row in rows if row.attempt_id}
    if not ids:
        return {}
    query = db.select(DeliveryAttempt).where(DeliveryAttempt.id.in_(ids))
    return {a.id: a for a in db.session.scalars(query)}


def _members(rows) -> dict[int, Member]:
    ids = {row.member_id for row in rows if row.member_id}
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(db.select(Member).where(Member.id.in_(ids)))}


def gateway_label(channel: str, name: str) -> str:
    """The provider's name, as the seed's 频道 column shows it (e.g. 澳通短信)."""
    if not name or name == "-":
        return "—"
    if name == events.INSITE:  # no gateway: Herald stores the message itself
        return _("In-site")
    if name == "off":  # the channel is switched off (WeChat's default)
        return _("Off")
    try:
        return str(gateway_class(channel, name).label)
    except LookupError:
        return name


@bp.route("/codes/<int:code_id>/reveal", methods=["POST"])
@protection.protected("codes.reveal")
def reveal_code(code_id: int):
    """Show one still-valid code to a help desk admin: operation-protected and audited.

    The one reveal of every page that masks codes: the code log, and the Outbox, which
    posts ``back=outbox`` to be led back to itself.
    """
    row = db.get_or_404(VerificationCode, code_id)
    back = _back_url(row)
    code = code_service.reveal(row)
    if code is None:
        flash(_("Only a code that was sent and is still unused and valid can be shown."),
              "warning")
        return redirect(back)
    audit.record("codes.reveal", target=f"#{row.id} {row.scene} {row.destination}")
    db.session.commit()
    return render_template("admin_logs/code_reveal.html", row=row, code=code, back=back,
                           from_outbox=request.form.get("back") == "outbox")


def _back_url(row: VerificationCode) -> str:
    if request.form.get("back") == "outbox":
        return url_for("admin_outbox.index", destination=row.destination)
    return url_for(".codes", phone=row.destination)


@bp.route("/alerts/<int:alert_id>/resolve", methods=["POST"])
def resolve_alert(alert_id: int):
    alert = db.get_or_404(SiteAlert, alert_id)
    if alert.resolved_at is None:
        alert.resolved_at = clock.now()
        audit.record("alert.resolve", target=f"{alert.kind}#{alert.id}")
        db.session.commit()
        flash(_("Alert marked as handled."), "success")
    return redirect(url_for(".codes"))


