"""Answers to htmx requests from a post's buttons: the post as it is now, and the flash message
swapped into the page's message area (templates/includes/messages.html). Without JavaScript the
same buttons are plain forms and the view redirects back to the post."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from .. import threadpage


def back_to_post(request, post):
    """The redirect a plain form gets, or the re-rendered post for htmx."""
    if not request.htmx:
        return redirect(post.get_absolute_url())
    html = threadpage.render_one(request, post.community.slug, post.thread_id, post.number)
    flash = render_to_string("includes/messages.html", {"oob": True}, request=request)
    return HttpResponse(html + flash)
