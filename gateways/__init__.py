"""Gateways: one module per provider, each registering itself with ``@register``.

Importing this package imports every provider module below, so ``gateways.base.REGISTRY``
is complete. To add a provider, write its module and add it to this import list.
"""

from gateways import (
    aliyun,
    email_log,
    http_generic,
    log,
    smsbao,
    smtp,
    tencent,
    twilio,
    upstream,
    wechat,
)

# Listed so linters see the imports as used: they are imported for @register.
__all__ = [
    "aliyun",
    "email_log",
    "http_generic",
    "log",
    "smsbao",
    "smtp",
    "tencent",
    "twilio",
    "upstream",
    "wechat",
]
