from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self):
        from .extensions import Tab, register_tab

        register_tab(Tab("Home", "communities:home", order=0))
        register_tab(Tab("Members", "communities:members", order=80, visible=lambda a: a.can_see_members))
        register_tab(
            Tab(
                "Requests", "communities:requests", order=90,
                visible=lambda a: a.can_manage_members and not a.community.is_open,
            )
        )  # fmt: skip
        register_tab(
            Tab("Dashboard", "communities:dashboard", order=95, visible=lambda a: a.can_see_dashboard)
        )
        register_tab(Tab("Settings", "communities:edit", order=100, visible=lambda a: a.can_edit_community))
