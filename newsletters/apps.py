from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def ready(self):
        from . import receivers  # noqa: F401 - connects to the content apps' signals

        # isort: split
        from . import receivers_hotseats  # noqa: F401 - hot seat notifications and e-mail
