from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    # In-app notifications
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.open_notification, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    # E-mail settings and unsubscribe (the latter works without signing in)
    path("email/preferences/", views.preferences, name="preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/works-again/", views.email_works, name="email_works"),
    path("email/link/<str:token>/", views.follow_link, name="link"),
    # A community's newsletter
    path("communities/<slug:slug>/newsletter/", views.issue_list, name="issue_list"),
    path("communities/<slug:slug>/newsletter/new/", views.issue_new, name="issue_new"),
    path("communities/<slug:slug>/newsletter/<int:pk>/", views.issue_detail, name="issue"),
    path("communities/<slug:slug>/newsletter/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("communities/<slug:slug>/newsletter/<int:pk>/preview/", views.issue_preview, name="issue_preview"),
    path("communities/<slug:slug>/newsletter/<int:pk>/status/", views.issue_status, name="issue_status"),
    path("communities/<slug:slug>/newsletter/<int:pk>/test/", views.issue_test, name="issue_test"),
    path("communities/<slug:slug>/newsletter/<int:pk>/send/", views.issue_send, name="issue_send"),
    path(
        "communities/<slug:slug>/newsletter/<int:pk>/schedule/", views.issue_schedule, name="issue_schedule"
    ),
    path(
        "communities/<slug:slug>/newsletter/<int:pk>/unschedule/",
        views.issue_unschedule,
        name="issue_unschedule",
    ),
    path("communities/<slug:slug>/newsletter/<int:pk>/resume/", views.issue_resume, name="issue_resume"),
]
