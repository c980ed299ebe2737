"""Full-text search over the discussions a member may read: each thread once, best first."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render

from communities.models import Community
from communities.policy import get_community_for
from cop_platform.params import get_int

from .. import search as discussions
from ..forms import SearchForm

PER_PAGE = 20


def search(request, slug=None):
    community = access = None
    if slug is not None:
        community, access = get_community_for(request.user, slug)
    form = SearchForm(request.GET or None)
    page = results = author = None
    q = ""
    communities = Community.objects.visible_to(request.user).filter(status__in=Community.LIVE_STATUSES)
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        q = data["q"].strip()
        scope = community
        if scope is None and data["community"]:
            scope = communities.filter(slug=data["community"]).first()
        if data["author"]:
            author = get_user_model().objects.filter(pk=data["author"], is_active=True).first()
        filters = discussions.Filters(
            community=scope,
            kind=data["kind"],
            author=author,
            since=data["since"],
            until=data["until"],
            solved=data["solved"],
            tag=data["tag"].strip(),
        )
        results = discussions.search(
            request.user, q, filters, page=get_int(request.GET, "page", 1, minimum=1), per_page=PER_PAGE
        )
        page = Paginator(range(results.count), PER_PAGE).get_page(results.page)
    return render(
        request,
        "forums/search.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "page": page,
            "results": results,
            "author": author,
            "q": q,
            "communities": communities.order_by("name") if community is None else [],
        },
    )
