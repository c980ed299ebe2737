"""Full-text search over the discussions a member may read."""

from django.core.paginator import Paginator
from django.shortcuts import render

from communities.models import Community
from communities.policy import get_community_for
from cop_platform.params import get_int

from ..forms import SearchForm
from ..queries import (
    search_posts,
    snippet_parts,
)


def search(request, slug=None):
    community = access = None
    if slug is not None:
        community, access = get_community_for(request.user, slug)
    form = SearchForm(request.GET or None)
    page = None
    q = ""
    communities = Community.objects.visible_to(request.user).filter(status__in=Community.LIVE_STATUSES)
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        q = data["q"].strip()
        scope = community
        if scope is None and data["community"]:
            scope = communities.filter(slug=data["community"]).first()
        results = search_posts(
            request.user, q, community=scope, tag=data["tag"].strip(), solved=data["solved"]
        )
        page = Paginator(results, 20).get_page(get_int(request.GET, "page", 1, minimum=1))
        for post in page.object_list:
            post.snippet = snippet_parts(post)
    return render(
        request,
        "forums/search.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "page": page,
            "q": q,
            "communities": communities.order_by("name") if community is None else [],
        },
    )
