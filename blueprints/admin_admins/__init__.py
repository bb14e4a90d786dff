"""Site → Admins: super admins manage accounts; every admin edits their own contact data."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin_admins.forms import AdminEditForm, PasswordForm, ProfileForm
from blueprints.guards import admin_blueprint, super_admin_required
from core import audit, clock, protection, settings
from core.admins import AdminForm, create_admin
from core.audit import client_ip
from core.paging import paginate
from core.passwords import hash_password
from extensions import db
from gateways.base import Message
from models import ROLE_SUPER, Admin, LoginSession
from services.delivery import outgoing

bp = admin_blueprint("admin_admins", __name__, "/admins")

EDITABLE = ("role", "phone", "email", "active", "login_code")


@bp.route("/")
def index():
    page = paginate(db.select(Admin).order_by(Admin.id))
    return render_template("admin_admins/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@super_admin_required
@protection.protected("admins.create")
def create():
    form = AdminForm()
    if form.validate_on_submit():
        admin = create_admin(form)
        flash(_("Admin %(name)s created.", name=admin.username), "success")
        return redirect(url_for(".index"))
    return render_template("admin_admins/form.html", form=form, title=_("New admin"))


@bp.route("/<int:admin_id>", methods=["GET", "POST"])
@super_admin_required
@protection.protected("admins.update")
def edit(admin_id: int):
    admin = db.get_or_404(Admin, admin_id)
    form = AdminEditForm(obj=admin)
    if form.validate_on_submit():
        refusal = _last_super_refusal(admin, form.role.data, form.active.data)
        if refusal:
            form.form_errors.append(refusal)
        else:
            _apply(admin, {name: getattr(form, name).data for name in EDITABLE}, "admin.update")
            flash(_("Admin %(name)s saved.", name=admin.username), "success")
            return redirect(url_for(".index"))
    return render_template("admin_admins/form.html", form=form, admin=admin,
                           password_form=PasswordForm(formdata=None),
                           title=_("Admin %(name)s", name=admin.username))


@bp.route("/<int:admin_id>/password", methods=["POST"])
@super_admin_required
@protection.protected("admins.password_reset")
def reset_password(admin_id: int):
    admin = db.get_or_404(Admin, admin_id)
    form = PasswordForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for(".edit", admin_id=admin_id))
    set_password(admin, form.password.data, "admin.password_reset")
    flash(_("The password of %(name)s was reset; their sessions were ended.",
            name=admin.username), "success")
    return redirect(url_for(".index"))


@bp.route("/me", methods=["GET", "POST"])
@protection.protected("admins.profile")
def profile():
    admin = current_user._get_current_object()
    form = ProfileForm(obj=admin)
    if form.validate_on_submit():
        before = {"phone": admin.phone, "email": admin.email}
        _apply(admin, {name: getattr(form, name).data for name in ("phone", "email",
                                                                   "login_code")},
               "admin.profile")
        notify_contact_change(admin, before)
        flash(_("Your profile was saved."), "success")
        return redirect(url_for(".profile"))
    return render_template("admin_admins/profile.html", form=form,
                           password_form=PasswordForm(formdata=None))


@bp.route("/me/password", methods=["POST"])
@protection.protected("admins.password")
def own_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(url_for(".profile"))
    set_password(current_user._get_current_object(), form.password.data, "admin.password",
                 keep=current_user.session_key)
    flash(_("Your password was changed; your other sessions were ended."), "success")
    return redirect(url_for(".profile"))


def notify_contact_change(admin: Admin, before: dict) -> None:
    """Tell the admin, at the old and the new address, that their contact data changed:
    an attacker who took over the session should not move codes away silently."""
    changed = [name for name, old in before.items() if old != getattr(admin, name)]
    if not changed:
        return
    text = _("The phone or email of admin %(name)s on %(site)s was changed from %(ip)s.",
             name=admin.username, site=settings.get("basic.site_name"), ip=client_ip())
    targets = {("sms", v) for v in (before["phone"], admin.phone) if v} | \
        {("email", v) for v in (before["email"], admin.email) if v}
    queued = [outgoing.add(channel, Message(to=destination, content=text, subject=text,
                                            purpose="admin_contact_changed"))
              for channel, destination in sorted(targets)]
    db.session.commit()
    outgoing.hand_over(queued)


def _apply(admin: Admin, values: dict, action: str) -> None:
    changes = {name: [getattr(admin, name), value] for name, value in values.items()
               if getattr(admin, name) != value}
    if not changes:
        return
    for name, (_old, new) in changes.items():
        setattr(admin, name, new)
    if "active" in changes and not admin.active:
        _end_sessions(admin)
    audit.record(action, target=admin.username, changes=changes)
    db.session.commit()


def set_password(admin: Admin, password: str, action: str, keep: str | None = None) -> None:
    admin.password_hash = hash_password(password)
    _end_sessions(admin, keep=keep)
    audit.record(action, target=admin.username, changes={"password": ["••••••", "••••••"]})
    db.session.commit()


def _end_sessions(admin: Admin, keep: str | None = None) -> None:
    query = db.update(LoginSession).where(LoginSession.admin_id == admin.id,
                                          LoginSession.revoked_at.is_(None))
    if keep:
        query = query.where(LoginSession.key != keep)
    db.session.execute(query.values(revoked_at=clock.now()))


def _last_super_refusal(admin: Admin, role: str, active: bool) -> str | None:
    """The panel must keep one active super admin, or nobody could manage it."""
    if admin.role != ROLE_SUPER or (role == ROLE_SUPER and active):
        return None
    others = db.session.scalar(db.select(db.func.count()).select_from(Admin).where(
        Admin.role == ROLE_SUPER, Admin.active, Admin.id != admin.id))
    return None if others else _("At least one active super admin must remain.")
