"""Local stand-ins for SMS providers. Each checks the provider's documented protocol
(signatures, auth, required fields) and answers with the provider's real payload shapes."""
