from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def ready(self):
        # Connect to the content apps' signals.
        from . import (
            receivers,  # noqa: F401
            receivers_forums,  # noqa: F401 - discussions: replies, mentions, answers
            receivers_hotseats,  # noqa: F401 - hot seat notifications and e-mail
        )
