from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from communities.views import calendar as views_calendar
from communities.views import invitations as communities_invitations
from communities.views import knowledge as communities_knowledge
from communities.views import moderation as views_moderation
from communities.views import recognition as views_recognition
from newsletters.inbound.ses import SESTrackingWebhookView

from . import views
from .accounts.views import ConfirmEmailView
from .sitemaps import SITEMAPS
from .views import people as views_people

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views_people.people, name="people"),
    path("people/<int:pk>/", views_people.profile, name="profile"),
    path("people/<int:pk>/avatar/<str:name>", views_people.avatar, name="avatar"),
    path("people/<int:pk>/card/", views.user_card, name="user_card"),
    path("people/<int:pk>/suspend/", views_moderation.suspend, name="suspend"),
    path("people/<int:pk>/thank/", views_recognition.thank_member, name="thank_member"),
    path("badges/", views_recognition.badges, name="badges"),
    path("account/record/", views_recognition.my_record, name="my_record"),
    path("account/record.csv", views_recognition.my_record_csv, name="my_record_csv"),
    path("search/", views.search, name="search"),
    path("knowledge/", communities_knowledge.site_map, name="knowledge_map"),
    path("markdown/preview/", views.markdown_preview, name="markdown_preview"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("calendar/", views_calendar.my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", views_calendar.my_calendar_feed, name="my_calendar_feed"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("account/", include("cop_platform.accounts.urls")),
    # Before allauth's own: confirming an address signs you in, in whichever browser you use.
    path("accounts/confirm-email/<str:key>/", ConfirmEmailView.as_view(), name="account_confirm_email"),
    path("accounts/", include("allauth.urls")),
    path("messages/", include("communities.urls_messaging")),
    path("invitations/<str:token>/", communities_invitations.accept, name="invitation"),
    path("communities/", include("communities.urls")),
    path("communities/", include("forums.urls")),
    path("communities/", include("hotseats.urls")),
    path("", include("newsletters.urls")),  # notifications/, email/, communities/<slug>/newsletter/
    # Postmark's signed (basic-auth) webhooks: bounces and complaints (tracking/), replies
    # by e-mail (inbound/); newsletters.inbound.webhooks turns them into suppressions and posts.
    # Amazon SES's bounces and complaints (through SNS, same basic auth): newsletters.inbound.ses.
    # Only these: anymail.urls also routes a dozen other providers' webhooks, some of which
    # answered 500 (a missing SDK) to anyone (found by tests/security/test_bad_input.py).
    path(
        "anymail/",
        include(
            (
                [
                    path(
                        "postmark/inbound/",
                        PostmarkInboundWebhookView.as_view(),
                        name="postmark_inbound_webhook",
                    ),
                    path(
                        "postmark/tracking/",
                        PostmarkTrackingWebhookView.as_view(),
                        name="postmark_tracking_webhook",
                    ),
                    path(
                        "amazon_ses/tracking/",
                        SESTrackingWebhookView.as_view(),
                        name="amazon_ses_tracking_webhook",
                    ),
                ],
                "anymail",
            )
        ),
    ),
    path("admin/", admin.site.urls),
]
