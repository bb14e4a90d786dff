"""Message templates: defaults, validation, storage and rendering.

``rendering.render`` turns an event or scene, a channel, a language and variables into
message parts in an immutable sandbox; ``store.save`` / ``store.restore`` are what the
template editor calls, after ``validation.check`` refused anything beyond reading variables.
``defaults`` holds the shipped template of every event, channel and language.
"""
