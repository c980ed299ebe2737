from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("propose/", views.propose, name="propose"),
    path("review/", views.review, name="review"),
    path("review/<slug:slug>/", views.review_decide, name="review_decide"),
    path("health/", views.health, name="health"),
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", views.set_role, name="set_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.remove, name="remove"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/requests/", views.requests, name="requests"),
    path("<slug:slug>/requests/<int:pk>/", views.decide, name="decide"),
    path("<slug:slug>/settings/", views.edit, name="edit"),
    path("<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
]
