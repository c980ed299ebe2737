from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "E-mail and notifications"

    def register_extensions(self):
        """The community "Newsletter" tab, and the built-in digest sections."""
        from communities.extensions import InsightSource, Tab, register_insight, register_tab

        from . import (
            digest_content,  # noqa: F401 - blog posts and surveys, from the activity log
            digest_forums,  # noqa: F401 - "questions you could answer", from the discussions
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
            calendar_reminders,  # noqa: F401 - beat task: reminders the day before events
            fanout,  # noqa: F401 - registers the built-in e-mail kinds with the sending engine
            receivers,  # noqa: F401
            receivers_craft,  # noqa: F401 - private messages, path stages, invitations
            receivers_forums,  # noqa: F401 - discussions: replies, mentions, answers
            receivers_hotseats,  # noqa: F401 - hot seat notifications and e-mail
            receivers_mail,  # noqa: F401 - Postmark webhooks: bounces, complaints, replies
            recognition,  # noqa: F401 - badges awarded, a facilitator's thanks
            sponsor_reports,  # noqa: F401 - beat task and e-mail kind: sponsors' quarterly report
            survey_emails,  # noqa: F401 - survey invitations and the reminder
            targets,  # noqa: F401 - what notifications are about, and replies by e-mail
        )
        from .craft import CHOOSE_DIGEST, register_reply_target

        register_checklist_item(CHOOSE_DIGEST)
        register_reply_target()
