"""The library: documents with versions, curated links, and search over the repertoire."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cop_platform.params import get_int

from ...models import Document, Link
from ...policy import get_community_for, get_in_community
from ...services import CommunityError
from ...uploads import use_capped_uploads
from .. import services
from ..forms import DocumentFilterForm, DocumentForm, LinkForm, SearchForm, VersionForm
from ..search import search_repertoire

SORTS = {"newest": ("-updated_at", "-pk"), "downloads": ("-download_count", "-pk"), "title": ("title", "pk")}


def library(request, slug):
    community, access = get_community_for(request.user, slug)
    form = DocumentFilterForm(request.GET or None)
    documents = Document.objects.filter(community=community).for_list()
    sort, kind, tag = "newest", "", ""
    if form.is_valid():
        kind, tag = form.cleaned_data["kind"], form.cleaned_data["tag"]
        sort = form.cleaned_data["sort"] or "newest"
        if kind:
            documents = documents.filter(kind=kind)
        if tag:
            documents = documents.filter(tags__slug=tag)
    page = Paginator(documents.order_by(*SORTS[sort]), 20).get_page(
        get_int(request.GET, "page", 1, minimum=1)
    )
    return render(
        request,
        "communities/library.html",
        {
            "community": community, "access": access, "form": form, "page": page,
            "kind": kind, "tag": tag, "sort": sort, "kinds": Document.Kind.choices,
        },
    )  # fmt: skip


def document_detail(request, slug, pk):
    community, access, document = get_in_community(
        request.user, slug, Document.objects.select_related("uploaded_by", "theme"), pk=pk
    )
    versions = document.versions.select_related("uploaded_by")
    return render(
        request,
        "communities/document_detail.html",
        {
            "community": community, "access": access, "document": document, "versions": versions,
            "tags": list(document.tags.all()), "can_edit": access.can_edit_document(document),
        },
    )  # fmt: skip


# Uploads are exempt from the CSRF middleware only so that the size-capping upload handler can be
# installed before the body is read; csrf_protect on the inner view checks the token right after.
@csrf_exempt
@login_required
def document_upload(request, slug):
    use_capped_uploads(request)
    return _document_upload(request, slug)


@csrf_protect
@ratelimit(key="user", rate="60/h", method="POST", block=True)
def _document_upload(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_upload_document:
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.upload_document(
                request.user, community, title=data["title"], upload=data["upload"],
                description=data["description"], kind=data["kind"], tags=data["tags"], theme=data.get("theme"),
            )  # fmt: skip
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Thank you for sharing “{document.title}”.")
            return redirect(document)
    return render(
        request, "communities/document_upload.html", {"community": community, "access": access, "form": form}
    )


@csrf_exempt
@login_required
def document_new_version(request, slug, pk):
    use_capped_uploads(request)
    return _document_new_version(request, slug, pk)


@csrf_protect
@ratelimit(key="user", rate="60/h", method="POST", block=True)
def _document_new_version(request, slug, pk):
    community, access, document = get_in_community(request.user, slug, Document.objects.all(), pk=pk)
    if not access.can_edit_document(document):
        raise Http404
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(
                request.user, document, upload=form.cleaned_data["upload"], note=form.cleaned_data["note"]
            )
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Version {version.number} is now the current version.")
            return redirect(document)
    return render(
        request,
        "communities/document_version.html",
        {"community": community, "access": access, "document": document, "form": form},
    )


def document_download(request, slug, pk, number):
    community, access, document = get_in_community(request.user, slug, Document.objects.all(), pk=pk)
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        fileobj = version.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The file is missing.") from error
    services.count_download(version)
    response = FileResponse(
        fileobj, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser were talked into rendering it, the file could run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store" if not community.is_open else "private, max-age=0"
    return response


@login_required
def document_edit(request, slug, pk):
    community, access, document = get_in_community(request.user, slug, Document.objects.all(), pk=pk)
    if not access.can_edit_document(document):
        raise Http404
    form = DocumentForm(request.POST or None, instance=document, community=community)
    del form.fields["upload"]
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.fields}
        try:
            services.update_document(request.user, document, **data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The document's details are saved.")
            return redirect(document)
    return render(
        request,
        "communities/document_edit.html",
        {"community": community, "access": access, "document": document, "form": form},
    )


@login_required
@require_POST
def document_delete(request, slug, pk):
    community, access, document = get_in_community(request.user, slug, Document.objects.all(), pk=pk)
    if not access.can_edit_document(document):
        raise Http404
    services.delete_document(request.user, document)
    messages.success(request, f"“{document.title}” and all its versions were deleted.")
    return redirect("communities:library", slug=community.slug)


# --- links --------------------------------------------------------------------------------


def links(request, slug):
    community, access = get_community_for(request.user, slug)
    tag = request.GET.get("tag", "")
    rows = Link.objects.filter(community=community).select_related("added_by").prefetch_related("tags")
    if tag:
        rows = rows.filter(tags__slug=tag)
    page = Paginator(rows, 50).get_page(get_int(request.GET, "page", 1, minimum=1))
    form = LinkForm() if access.can_add_link else None
    return render(
        request,
        "communities/links.html",
        {"community": community, "access": access, "page": page, "form": form, "tag": tag},
    )


@login_required
@ratelimit(key="user", rate="60/h", method="POST", block=True)
def link_add(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_add_link:
        raise Http404
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_link(
                request.user, community, title=data["title"], url=data["url"],
                description=data["description"], tags=data["tags"],
            )  # fmt: skip
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{data['title']}” was added to the links.")
            return redirect("communities:links", slug=community.slug)
    return render(
        request, "communities/link_form.html", {"community": community, "access": access, "form": form}
    )


@login_required
@require_POST
def link_remove(request, slug, pk):
    community, access, link = get_in_community(request.user, slug, Link.objects.all(), pk=pk)
    if not access.can_remove_links:
        raise Http404
    services.remove_link(request.user, link)
    messages.success(request, f"“{link.title}” was removed from the links.")
    return redirect("communities:links", slug=community.slug)


# --- search -------------------------------------------------------------------------------


def search(request, slug):
    community, access = get_community_for(request.user, slug)
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = search_repertoire(request.user, q, community=community) if q else None
    return render(
        request,
        "communities/search.html",
        {"community": community, "access": access, "form": form, "q": q, "results": results},
    )
