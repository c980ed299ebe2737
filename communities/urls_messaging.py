from django.urls import path

from .views import messaging as views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("settings/", views.settings_page, name="settings"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/resolve/", views.resolve_report, name="resolve_report"),
    path("block/<int:user_id>/", views.block, name="block"),
    path("<int:pk>/", views.conversation, name="conversation"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/report/", views.report, name="report"),
]
