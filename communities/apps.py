from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communities"

    def ready(self):
        from cop_platform import fulltext, pagecache

        from . import page_dating
        from .policy import viewer_standing

        pagecache.use_standing(viewer_standing)
        page_dating.connect()

        from . import events, recognition  # noqa: F401 - declares the activity verbs; the badge rules
        from .repertoire.search import INDEXES

        fulltext.keep_after_migrate(self, INDEXES)  # SQLite: the FTS5 triggers outlive table rebuilds
        from .extensions import Tab, register_tab
        from .policy.readers import register_communities_types

        register_communities_types()

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
        register_tab(
            Tab("Knowledge map", "communities:knowledge", order=70, more=True,
                visible=lambda a: a.can_see_knowledge_map)
        )  # fmt: skip
        from .extensions import ExpertiseSource, register_expertise_source
        from .knowledge import documents_evidence

        register_expertise_source(ExpertiseSource("document", "documents shared", 2, documents_evidence, 40))
        self._register_repertoire()
        self._register_craft()

    def _register_craft(self):
        from . import nudges  # noqa: F401 - registers the communities' own nudge sources
        from .policy.messaging import register_conversation_audience

        register_conversation_audience()
        from .craft_panels import ADD_EXPERTISE, checklist_panel, path_panel
        from .extensions import HomePanel, Tab, register_checklist_item, register_panel, register_tab

        register_panel(HomePanel("communities/_home_checklist.html", checklist_panel, column="main", order=1))
        register_panel(HomePanel("communities/_home_path.html", path_panel, column="side", order=1))
        register_checklist_item(ADD_EXPERTISE)
        register_tab(
            Tab("Nudges", "communities:nudges", order=92, visible=lambda a: a.can_see_nudges,
                also_current=("communities:nudge_message", "communities:nudge_templates"))
        )  # fmt: skip
        register_tab(
            Tab("Path", "communities:path", order=93, visible=lambda a: a.can_manage_path,
                also_current=("communities:path_settings",))
        )  # fmt: skip
        register_tab(
            Tab(
                "Invite",
                "communities:invitations",
                order=94,
                visible=lambda a: a.can_invite and a.community.is_live,
            )
        )

    def _register_repertoire(self):
        from .extensions import HomePanel, Tab, register_panel, register_tab
        from .panels import this_month

        library = ("communities:document_detail", "communities:document_upload", "communities:document_edit",
                   "communities:document_new_version", "communities:links", "communities:link_add",
                   "communities:repertoire_search", "communities:articles", "communities:article_feature",
                   "communities:article_edit")  # fmt: skip
        register_tab(Tab("Library", "communities:library", order=30, also_current=library))
        register_tab(
            Tab("Themes", "communities:themes", order=40,
                also_current=("communities:theme_detail", "communities:theme_create", "communities:theme_edit"))
        )  # fmt: skip
        register_tab(
            Tab("Meetings", "communities:meetings", order=50,
                also_current=("communities:meeting_detail", "communities:meeting_create", "communities:meeting_notes",
                              "communities:meeting_edit"),
                more=True)  # the calendar in the row shows meetings too
        )  # fmt: skip
        register_tab(
            Tab(
                "Jobs",
                "communities:jobs",
                order=60,
                also_current=("communities:job_detail", "communities:job_create", "communities:job_edit"),
                more=True,
            )
        )
        register_panel(
            HomePanel(
                "communities/_home_this_month.html", this_month, column="main", order=5,
                shared_by=lambda access: (access.can_manage_themes,),
            )
        )  # fmt: skip
        self._register_calendar()
        self._register_guests()

    def _register_guests(self):
        from . import guests

        guests.register()

    def _register_calendar(self):
        from .calendar import meeting_entries, theme_entries
        from .extensions import CalendarSource, Tab, register_calendar_source, register_tab

        register_calendar_source(CalendarSource("meeting", meeting_entries, order=10))
        register_calendar_source(CalendarSource("theme", theme_entries, order=40))
        register_tab(Tab("Calendar", "communities:calendar", order=55))
