"""Local stand-ins for SMS providers. Each checks the provider's documented protocol
(signatures, auth, required fields) and answers with the provider's real payload shapes."""

# Options for a gateway pointed at a fake: 127.0.0.1 must be allowed, and failures should
# come fast.
GATEWAY_OPTIONS = {"timeout": (1.0, 2.0), "allow_private": True}
