"""The knowledge map: who knows what in one community, and across the communities one may open."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .. import knowledge
from ..models import Community
from ..policy import get_community_for


@login_required
def community_map(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_see_knowledge_map:
        raise Http404("No such community.")
    mapped = knowledge.build(Community.objects.filter(pk=community.pk), request.user)
    return render(
        request,
        "communities/knowledge.html",
        {"community": community, "access": access, "map": mapped, "site_wide": False},
    )


@login_required
def site_map(request):
    """Across the site: only communities the viewer may open feed it (staff: all of them)."""
    communities = Community.objects.visible_to(request.user)
    mapped = knowledge.build(communities, request.user)
    named = {c.pk: c for c in communities.only("pk", "name", "slug").order_by("name")}
    for t in mapped.topics:
        t.communities = sorted((named[c] for c in t.community_ids if c in named), key=lambda c: c.name)
    return render(request, "communities/knowledge_site.html", {"map": mapped, "site_wide": True})
