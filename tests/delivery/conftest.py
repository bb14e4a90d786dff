"""Fixtures shared with tests/diagnostics: offline DNS and the providers' status fakes."""

from tests.diagnostics.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    aliyun,
    closed_port,
    dns,
    tencent,
    twilio,
)
