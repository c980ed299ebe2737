from django.urls import path

from . import views

app_name = "hotseats"
Q = "<slug:slug>/hotseats/<int:pk>/questions/<int:question_pk>"
urlpatterns = [
    path("<slug:slug>/hotseats/", views.hotseat_list, name="list"),
    path("<slug:slug>/hotseats/new/", views.hotseat_create, name="create"),
    path("<slug:slug>/hotseats/calendar.ics", views.feed, name="feed"),
    path("<slug:slug>/hotseats/calendar/<str:token>.ics", views.member_feed, name="member_feed"),
    path("<slug:slug>/hotseats/<int:pk>/", views.hotseat_detail, name="detail"),
    path("<slug:slug>/hotseats/<int:pk>/edit/", views.hotseat_edit, name="edit"),
    path("<slug:slug>/hotseats/<int:pk>/schedule/", views.hotseat_schedule, name="schedule"),
    path("<slug:slug>/hotseats/<int:pk>/open/", views.hotseat_open, name="open"),
    path("<slug:slug>/hotseats/<int:pk>/close/", views.hotseat_close, name="close"),
    path("<slug:slug>/hotseats/<int:pk>/extend/", views.hotseat_extend, name="extend"),
    path(
        "<slug:slug>/hotseats/<int:pk>/resend-invitation/",
        views.hotseat_resend_invitation,
        name="resend_invitation",
    ),
    path("<slug:slug>/hotseats/<int:pk>/transcript/", views.transcript, name="transcript"),
    path("<slug:slug>/hotseats/<int:pk>/hotseat.ics", views.hotseat_ics, name="ics"),
    path("<slug:slug>/hotseats/<int:pk>/invitation/<str:token>/", views.invitation, name="invitation"),
    path(f"{Q}/vote/", views.question_vote, name="vote"),
    path(f"{Q}/edit/", views.question_edit, name="question_edit"),
    path(f"{Q}/hide/", views.question_hide, name="question_hide"),
    path(f"{Q}/merge/", views.question_merge, name="question_merge"),
    path(f"{Q}/answer/", views.question_answer, name="answer"),
    path(f"{Q}/follow-up/", views.question_follow_up, name="follow_up"),
]
