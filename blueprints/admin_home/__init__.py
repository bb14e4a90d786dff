"""The admin landing page: what is configured and what needs attention."""

from flask import render_template

from blueprints.guards import admin_blueprint
from core import settings

bp = admin_blueprint("admin_home", __name__, "")


@bp.route("/")
def index():
    overview = {
        "sms_gateway": settings.get("sms.gateway"),
        "email_gateway": settings.get("email.gateway"),
        "wechat_gateway": settings.get("wechat.gateway"),
        "captcha_mode": settings.get("member.captcha_mode"),
    }
    return render_template("admin_home/index.html", overview=overview)
