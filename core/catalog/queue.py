"""The delivery queue: messages a worker could not settle, and a queue nobody works on."""

from core.catalog.entry import CatalogEntry
from core.translation import N_

ENTRIES = (
    CatalogEntry(
        "outcome_unknown",
        N_("Outcome unknown: the worker stopped while sending"),
        N_("The worker stopped (killed, crashed or the box restarted) while the provider had "
           "this message, so it may or may not have gone out. Check the provider's console "
           "before resending; Herald does not send it again by itself."),
    ),
    CatalogEntry(
        "worker_down",
        N_("No delivery worker is running"),
        N_("Messages wait in the queue until a worker takes them. Start one: "
           "flask --app app worker (systemd: systemctl start herald-worker); make run "
           "starts it with the web server."),
    ),
    CatalogEntry(
        "code_expired",
        N_("Not sent: the code expired while it waited in the queue"),
        N_("The queue was stopped or behind for longer than the code's validity. Start the "
           "worker (flask --app app worker); the member can ask for a new code."),
    ),
    CatalogEntry(
        "job_not_found",
        N_("No such job"),
        N_("Use the job id from the answer that started the job; jobs of other API "
           "clients are not shown."),
    ),
)
