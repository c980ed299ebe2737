"""Activity verbs of the expert hot seats (see communities/events.py)."""

from communities import events

HOTSEAT_SCHEDULED = events.register("hotseat.scheduled", "scheduled an expert hot seat")
HOTSEAT_OPENED = events.register("hotseat.opened", "opened an expert hot seat")
HOTSEAT_CLOSED = events.register("hotseat.closed", "closed an expert hot seat")
HOTSEAT_ANSWERED = events.register("hotseat.answered", "answered a question in a hot seat")
HOTSEAT_ASKED = events.register("hotseat.asked", "asked a question in an expert hot seat")
