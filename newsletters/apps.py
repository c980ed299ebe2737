from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def register_extensions(self):
        """The community "Newsletter" tab, and the built-in digest sections."""
        from communities.extensions import InsightSource, Tab, register_insight, register_tab

        from . import (
            digests,  # noqa: F401 - registers the built-in digest sections
            effect,
        )

        also_current = ("newsletters:issue", "newsletters:issue_new", "newsletters:issue_edit")
        register_tab(
            Tab(
                "Newsletter",
                "newsletters:issue_list",
                order=80,
                also_current=(*also_current, "newsletters:issue_preview"),
                more=True,
            )
        )

        register_insight(InsightSource("newsletter", effect.dashboard_figures, order=30))

    def ready(self):
        from .visibility import register_types

        register_types()
        self.register_extensions()
        # Connect to the content apps' signals.
        from communities.extensions import register_checklist_item

        from . import (
            fanout,  # noqa: F401 - registers the built-in e-mail kinds with the sending engine
            sources,
            targets,  # noqa: F401 - what notifications are about, and replies by e-mail
        )
        from .inbound import webhooks  # noqa: F401 - Postmark webhooks: bounces, complaints, replies

        sources.connect()
        from .sources.communities.craft import CHOOSE_DIGEST, register_reply_target

        register_checklist_item(CHOOSE_DIGEST)
        register_reply_target()
