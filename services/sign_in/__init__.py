"""Admin sign-in bookkeeping: the login log, lockouts and the sign-in notice.

``guard.record`` / ``guard.locked_out`` count failures per username and per IP address;
``notice.send`` announces every successful admin sign-in (``admin_login_notice``).
"""
