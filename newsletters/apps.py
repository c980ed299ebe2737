from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def ready(self):
        from communities.extensions import Tab, register_tab

        from . import (
            digests,  # noqa: F401 - registers the built-in digest sections
            receivers,  # noqa: F401 - connects to the content apps' signals
        )

        register_tab(
            Tab(
                "Newsletter",
                "newsletters:issue_list",
                order=80,
                also_current=(
                    "newsletters:issue",
                    "newsletters:issue_new",
                    "newsletters:issue_edit",
                    "newsletters:issue_preview",
                ),
            )
        )
