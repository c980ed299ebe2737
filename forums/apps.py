from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Discussions"

    def ready(self):
        from communities.extensions import (
            HomePanel,
            InsightSource,
            Tab,
            ThemeSection,
            register_insight,
            register_panel,
            register_tab,
            register_theme_section,
        )

        from . import events, personal_state, views  # noqa: F401 - events declares the discussions' activity verbs; personal_state the thread page's per-viewer reactions, bookmarks, draft
        from .visibility import register_types

        register_types()

        register_tab(
            Tab(
                "Discussions", "forums:thread_list", order=10,
                also_current=(
                    "forums:thread_detail", "forums:thread_create", "forums:search", "forums:flags",
                    "forums:moderation_log", "forums:post_edit", "forums:post_history", "forums:flag",
                    "forums:thread_move", "forums:reply",
                ),
            )
        )  # fmt: skip
        register_panel(
            HomePanel(
                "forums/_home_panel.html", views.home_panel, column="main", order=10,
                shared_by=lambda access: (access.can_see_hidden_posts,),
            )
        )  # fmt: skip
        register_theme_section(ThemeSection("forums/_theme_threads.html", views.theme_section, order=10))

        from communities.extensions import register_checklist_item, register_nudge_source

        from . import craft

        register_nudge_source(craft.first_posts_without_reply)
        register_nudge_source(craft.waiting_questions)
        register_checklist_item(craft.INTRODUCE)
        from . import insight

        register_insight(InsightSource("questions", insight.dashboard_figures, order=10))
        from communities.extensions import (
            ExpertiseSource,
            QuestionSource,
            register_expertise_source,
            register_question_source,
        )

        from . import knowledge

        register_expertise_source(
            ExpertiseSource("accepted", "accepted answers", 3, knowledge.accepted_answers, 10)
        )
        register_expertise_source(ExpertiseSource("helpful", "helpful marks", 1, knowledge.helpful_marks, 20))
        register_question_source(QuestionSource("questions", knowledge.questions_and_answerers))
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_fts, sender=self, dispatch_uid="forums-fts")
        self._register_surveys()

    def _register_surveys(self):
        from communities.extensions import (
            CalendarSource,
            HomePanel,
            Tab,
            register_calendar_source,
            register_panel,
            register_tab,
        )

        from .views import blog, surveys

        register_tab(
            Tab("Blog", "forums:blog", order=15,
                also_current=("forums:blog_detail", "forums:blog_write", "forums:blog_edit", "forums:blog_author"))
        )  # fmt: skip
        register_panel(
            HomePanel(
                "forums/blog/_home_panel.html", blog.home_panel, column="main", order=12,
                shared_by=lambda access: (),  # the same posts for everyone who may see the community
            )
        )  # fmt: skip
        register_tab(
            Tab(
                "Surveys", "forums:survey_list", order=45,
                also_current=(
                    "forums:survey_detail", "forums:survey_create", "forums:survey_edit", "forums:survey_results",
                    "forums:quick_poll_create",
                ),
                more=True,
            )
        )  # fmt: skip
        register_panel(
            HomePanel("forums/surveys/_home_panel.html", surveys.quick_poll_panel, column="side", order=15)
        )
        register_calendar_source(CalendarSource("survey", surveys.calendar_entries, order=30))


def _ensure_fts(using, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put the search ones back."""
    from django.db import connections

    from .fts import ensure_sqlite_fts

    ensure_sqlite_fts(connections[using])
