"""Sending a message on a channel, and what became of it.

``messaging.send(channel, Message)`` picks the gateways from settings, fails over only
when the message certainly did not go out, and records every attempt. ``status`` stores
the providers' delivery reports (Twilio callbacks, Alibaba / Tencent polls).
"""
