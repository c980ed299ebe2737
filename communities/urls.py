from django.urls import path

from .repertoire.views import jobs as views_jobs
from .repertoire.views import library as views_library
from .repertoire.views import meetings as views_meetings
from .repertoire.views import themes as views_themes
from .views import calendar as views_calendar
from .views import community as views
from .views import craft as views_craft
from .views import insight as views_insight
from .views import invitations as views_invitations
from .views import knowledge as views_knowledge
from .views import moderation as views_moderation

app_name = "communities"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("propose/", views.propose, name="propose"),
    path("review/", views.review, name="review"),
    path("review/<slug:slug>/", views.review_decide, name="review_decide"),
    path("health/", views.health, name="health"),
    path("health/<slug:slug>/<slug:action>/", views.lifecycle, name="lifecycle"),
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", views.set_role, name="set_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("<slug:slug>/members/<int:pk>/ban/", views_moderation.ban, name="ban"),
    path("<slug:slug>/members/<int:pk>/silence/", views_moderation.silence, name="silence"),
    path("<slug:slug>/members/<int:pk>/lift/", views_moderation.lift, name="lift_sanction"),
    path("<slug:slug>/watched-words/", views_moderation.watched_words, name="watched_words"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/requests/", views.requests, name="requests"),
    path("<slug:slug>/requests/<int:pk>/", views.decide, name="decide"),
    path("<slug:slug>/settings/", views.edit, name="edit"),
    # The facilitator's craft: participation path, nudge queue, invitations, first-week checklist.
    path("<slug:slug>/path/", views_craft.path_page, name="path"),
    path("<slug:slug>/path/settings/", views_craft.path_settings, name="path_settings"),
    path("<slug:slug>/path/<int:pk>/move/", views_craft.move_up, name="move_up"),
    path("<slug:slug>/nudges/", views_craft.nudges_page, name="nudges"),
    path("<slug:slug>/nudges/templates/", views_craft.nudge_templates, name="nudge_templates"),
    path("<slug:slug>/nudges/<int:pk>/", views_craft.nudge_message, name="nudge_message"),
    path("<slug:slug>/nudges/<int:pk>/act/", views_craft.nudge_act, name="nudge_act"),
    path("<slug:slug>/checklist/dismiss/", views_craft.dismiss_checklist, name="dismiss_checklist"),
    path("<slug:slug>/invitations/", views_invitations.invitations_page, name="invitations"),
    path("<slug:slug>/invitations/<int:pk>/", views_invitations.invitation_action, name="invitation_action"),
    path("<slug:slug>/dashboard/", views_insight.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard/<slug:key>.csv", views_insight.dashboard_csv, name="dashboard_csv"),
    path("<slug:slug>/knowledge/", views_knowledge.community_map, name="knowledge"),
    # The shared repertoire: library, links, search, themes, articles, meetings, jobs.
    path("<slug:slug>/library/", views_library.library, name="library"),
    path("<slug:slug>/library/upload/", views_library.document_upload, name="document_upload"),
    path("<slug:slug>/library/<int:pk>/", views_library.document_detail, name="document_detail"),
    path("<slug:slug>/library/<int:pk>/edit/", views_library.document_edit, name="document_edit"),
    path("<slug:slug>/library/<int:pk>/delete/", views_library.document_delete, name="document_delete"),
    path(
        "<slug:slug>/library/<int:pk>/versions/new/",
        views_library.document_new_version,
        name="document_new_version",
    ),
    path(
        "<slug:slug>/library/<int:pk>/versions/<int:number>/download/",
        views_library.document_download,
        name="document_download",
    ),
    path("<slug:slug>/links/", views_library.links, name="links"),
    path("<slug:slug>/links/add/", views_library.link_add, name="link_add"),
    path("<slug:slug>/links/<int:pk>/remove/", views_library.link_remove, name="link_remove"),
    path("<slug:slug>/library/search/", views_library.search, name="repertoire_search"),
    path("<slug:slug>/themes/", views_themes.themes, name="themes"),
    path("<slug:slug>/themes/new/", views_themes.theme_create, name="theme_create"),
    path("<slug:slug>/themes/<slug:theme_slug>/", views_themes.theme_detail, name="theme_detail"),
    path("<slug:slug>/themes/<slug:theme_slug>/edit/", views_themes.theme_edit, name="theme_edit"),
    path("<slug:slug>/themes/<slug:theme_slug>/attach/", views_themes.theme_attach, name="theme_attach"),
    path("<slug:slug>/articles/", views_themes.articles, name="articles"),
    path("<slug:slug>/articles/new/", views_themes.article_feature, name="article_feature"),
    path("<slug:slug>/articles/<int:pk>/edit/", views_themes.article_feature, name="article_edit"),
    path("<slug:slug>/articles/<int:pk>/remove/", views_themes.article_remove, name="article_remove"),
    path("<slug:slug>/meetings/", views_meetings.meetings, name="meetings"),
    path("<slug:slug>/meetings/new/", views_meetings.meeting_create, name="meeting_create"),
    path("<slug:slug>/meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/meetings/<int:pk>/edit/", views_meetings.meeting_edit, name="meeting_edit"),
    path("<slug:slug>/meetings/<int:pk>/rsvp/", views_meetings.meeting_rsvp, name="meeting_rsvp"),
    path("<slug:slug>/meetings/<int:pk>/notes/", views_meetings.meeting_notes, name="meeting_notes"),
    path("<slug:slug>/meetings/<int:pk>/meeting.ics", views_meetings.meeting_ics, name="meeting_ics"),
    path("<slug:slug>/meetings/<int:pk>/guests/", views_meetings.meeting_guests, name="meeting_guests"),
    path("<slug:slug>/calendar/", views_calendar.community_calendar, name="calendar"),
    path("<slug:slug>/calendar.ics", views_calendar.calendar_feed, name="calendar_feed"),
    path(
        "<slug:slug>/calendar/<str:token>.ics",
        views_calendar.calendar_member_feed,
        name="calendar_member_feed",
    ),
    path(
        "<slug:slug>/calendar/remind/<slug:kind>/<int:pk>/", views_calendar.event_follow, name="event_follow"
    ),
    path("<slug:slug>/jobs/", views_jobs.jobs, name="jobs"),
    path("<slug:slug>/jobs/new/", views_jobs.job_create, name="job_create"),
    path("<slug:slug>/jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
    path("<slug:slug>/jobs/<int:pk>/edit/", views_jobs.job_edit, name="job_edit"),
    path("<slug:slug>/jobs/<int:pk>/moderate/", views_jobs.job_moderate, name="job_moderate"),
]
