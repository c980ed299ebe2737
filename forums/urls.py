from django.urls import path

from . import feeds, views
from .views import blog, personal, surveys

app_name = "forums"
urlpatterns = [
    # Cross-community pages: two segments starting with "discussions/", which no community
    # pattern ("<slug>/members/", ...) catches; see tests/forums/test_urls.py.
    path("discussions/search/", views.search, name="search_all"),
    path("discussions/saved/", personal.saved, name="saved"),
    path("discussions/draft/", personal.draft, name="draft"),
    path("discussions/questions/", views.my_questions, name="my_questions"),
    # Per community: everything under <slug>/discussions/.
    path("<slug:slug>/discussions/", views.thread_list, name="thread_list"),
    path("<slug:slug>/discussions/new/", views.thread_create, name="thread_create"),
    path("<slug:slug>/discussions/similar/", views.similar, name="similar"),
    path("<slug:slug>/discussions/search/", views.search, name="search"),
    path("<slug:slug>/discussions/watch/", views.watch_community, name="watch_community"),
    path("<slug:slug>/discussions/feed/", feeds.NewThreadsFeed(), name="feed"),
    path("<slug:slug>/discussions/flags/", views.flags, name="flags"),
    path("<slug:slug>/discussions/log/", views.moderation_log, name="moderation_log"),
    path("<slug:slug>/discussions/queue/", views.queue, name="queue"),
    path("<slug:slug>/discussions/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("<slug:slug>/discussions/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/discussions/<int:pk>/watch/", views.watch_thread, name="watch_thread"),
    path("<slug:slug>/discussions/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("<slug:slug>/discussions/<int:pk>/move/", views.thread_move, name="thread_move"),
    path("<slug:slug>/discussions/<int:pk>/vote/", views.poll_vote, name="poll_vote"),
    # The blog.
    path("<slug:slug>/blog/", blog.blog, name="blog"),
    path("<slug:slug>/blog/new/", blog.write, name="blog_write"),
    path("<slug:slug>/blog/authors/<int:pk>/", blog.author, name="blog_author"),
    path("<slug:slug>/blog/<int:pk>/", blog.detail, name="blog_detail"),
    path("<slug:slug>/blog/<int:pk>/edit/", blog.write, name="blog_edit"),
    path("<slug:slug>/blog/<int:pk>/comment/", blog.comment, name="blog_comment"),
    path("<slug:slug>/blog/<int:pk>/feature/", blog.feature, name="blog_feature"),
    # Surveys and quick polls.
    path("<slug:slug>/surveys/", surveys.survey_list, name="survey_list"),
    path("<slug:slug>/surveys/new/", surveys.survey_create, name="survey_create"),
    path("<slug:slug>/surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("<slug:slug>/surveys/<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("<slug:slug>/surveys/<int:pk>/questions/", surveys.question_add, name="survey_question_add"),
    path(
        "<slug:slug>/surveys/<int:pk>/questions/<int:question_pk>/remove/",
        surveys.question_remove,
        name="survey_question_remove",
    ),
    path("<slug:slug>/surveys/<int:pk>/publish/", surveys.survey_publish, name="survey_publish"),
    path("<slug:slug>/surveys/<int:pk>/invite/", surveys.survey_invite, name="survey_invite"),
    path("<slug:slug>/surveys/<int:pk>/results/", surveys.survey_results, name="survey_results"),
    path("<slug:slug>/surveys/<int:pk>/results.csv", surveys.survey_csv, name="survey_csv"),
    path("<slug:slug>/surveys/<int:pk>/theme/", surveys.survey_theme, name="survey_theme"),
    path("<slug:slug>/polls/new/", surveys.quick_poll_create, name="quick_poll_create"),
    path("<slug:slug>/polls/<int:pk>/vote/", surveys.quick_poll_vote, name="quick_poll_vote"),
    path("<slug:slug>/polls/<int:pk>/close/", surveys.quick_poll_close, name="quick_poll_close"),
    path("<slug:slug>/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/posts/<int:pk>/history/", views.post_history, name="post_history"),
    path("<slug:slug>/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("<slug:slug>/posts/<int:pk>/accept/", views.accept, name="accept"),
    path("<slug:slug>/posts/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("<slug:slug>/posts/<int:pk>/thank/", views.thank, name="thank"),
    path("<slug:slug>/posts/<int:pk>/react/", personal.react, name="react"),
    path("<slug:slug>/posts/<int:pk>/save/", personal.bookmark, name="bookmark"),
    path("<slug:slug>/discussions/<int:pk>/mentions/", personal.mentions, name="mentions"),
    path("<slug:slug>/images/new/", personal.image_upload, name="image_upload"),
    path("<slug:slug>/images/<str:token>", personal.image, name="image"),
    path("<slug:slug>/posts/<int:pk>/flag/", views.flag, name="flag"),
    path("<slug:slug>/posts/<int:pk>/hide/", views.hide, name="hide"),
    path("<slug:slug>/posts/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<slug:slug>/posts/<int:pk>/approve/", views.approve, name="approve"),
    path("<slug:slug>/posts/<int:pk>/reject/", views.reject, name="reject"),
]
