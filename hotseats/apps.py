from django.apps import AppConfig


class HotseatsConfig(AppConfig):
    name = "hotseats"
    verbose_name = "Hot seats"

    def ready(self):
        from communities.extensions import (
            CalendarSource,
            HomePanel,
            InsightSource,
            Tab,
            ThemeSection,
            register_calendar_source,
            register_insight,
            register_panel,
            register_tab,
            register_theme_section,
        )

        from . import calendar, events, panels, receivers  # noqa: F401 - receivers link invited experts on sign-in
        from .visibility import register_types

        register_types()
        register_calendar_source(
            CalendarSource("hotseat", calendar.hotseat_entries, order=20, remindable=calendar.remindable)
        )

        register_tab(
            Tab(
                "Hot seats", "hotseats:list", order=20,
                also_current=(
                    "hotseats:detail", "hotseats:create", "hotseats:edit", "hotseats:extend",
                    "hotseats:transcript", "hotseats:question_edit", "hotseats:question_merge",
                    "hotseats:answer", "hotseats:follow_up",
                ),
            )
        )  # fmt: skip
        register_panel(HomePanel("hotseats/_home_panel.html", panels.home_panel, column="side", order=20))
        register_theme_section(ThemeSection("hotseats/_theme_section.html", panels.theme_section, order=20))
        from . import insight

        register_insight(InsightSource("hotseats", insight.dashboard_figures, order=20))
        from communities.extensions import ExpertiseSource, register_expertise_source

        from . import knowledge

        register_expertise_source(
            ExpertiseSource("hotseat", "hot seats answered as the expert", 5, knowledge.experts_answered, 30)
        )
