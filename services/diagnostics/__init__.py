"""System → Diagnostics: every check behind "why didn't my customer get it?" (SPEC 9).

One module per family of checks; ``runner.run_all`` runs them all, the network ones in
parallel with short timeouts, and always returns one result per check: a check never
raises, so the page renders even when every provider is unreachable.
"""
