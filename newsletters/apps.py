from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def ready(self):
        from . import (
            receivers,  # noqa: F401 - connects to the content apps' signals
            receivers_forums,  # noqa: F401 - discussions: replies, mentions, answers
        )
