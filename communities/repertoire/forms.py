import datetime

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from .. import filetypes
from ..models import Article, Document, Job, Link, Meeting, Rsvp, Theme
from ..services import CommunityError
from .services import check_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_web = URLValidator(schemes=["http", "https"])


def clean_web_url(value, required=True):
    """A web address, http or https only; anything else (javascript:, data:, ftp:) is refused clearly."""
    value = (value or "").strip()
    if not value:
        if required:
            raise forms.ValidationError("Please enter the web address.")
        return ""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ("http", "https"):
        if scheme and "." not in scheme and "/" not in scheme:
            raise forms.ValidationError(
                f"Links starting with “{scheme}:” are not allowed. Please enter a web address starting "
                "with http:// or https://."
            )
        raise forms.ValidationError("Please enter a full web address starting with http:// or https://.")
    try:
        _web(value)
    except forms.ValidationError:
        raise forms.ValidationError("That does not look like a web address. Please check it.") from None
    return value


class UploadField(forms.FileField):
    widget = forms.ClearableFileInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = filetypes.ACCEPT_ATTRIBUTE
        return attrs


def _upload_help():
    from django.conf import settings

    return f"Up to {filetypes.human_size(settings.MAX_UPLOAD_BYTES)}. {filetypes.HELP_TEXT}"


class _ChecksUpload:
    """Shared clean_upload: size and type by content, with the service's own message."""

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        try:
            self.filetype = check_upload(upload)
        except CommunityError as error:
            raise forms.ValidationError(
                f"{error} (Your other answers are kept; only the file needs choosing again.)"
            ) from None
        return upload


class DocumentForm(_ChecksUpload, forms.ModelForm):
    upload = UploadField(label="File", error_messages={"required": "Please choose a file to upload."})

    class Meta:
        model = Document
        fields = ["title", "kind", "description", "tags", "theme"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    field_order = ["upload", "title", "kind", "description", "tags", "theme"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _upload_help()
        self.fields["theme"].queryset = Theme.objects.filter(community=community)
        self.fields["theme"].empty_label = "No theme"
        self.fields["theme"].help_text = "Attach it to one of the community's themes."
        if not self.fields["theme"].queryset.exists():
            del self.fields["theme"]


class VersionForm(_ChecksUpload, forms.Form):
    upload = UploadField(label="New version", error_messages={"required": "Please choose a file to upload."})
    note = forms.CharField(
        label="What changed", max_length=300, required=False,
        help_text="A line for the version history, e.g. “Updated for the 2026 guidance”.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _upload_help()


class DocumentFilterForm(forms.Form):
    SORTS = [("newest", "Newest first"), ("downloads", "Most downloaded"), ("title", "Title A–Z")]
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *Document.Kind.choices]
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)
    tag = forms.SlugField(required=False, widget=forms.HiddenInput)


class LinkForm(forms.ModelForm):
    url = forms.CharField(
        label="Web address", max_length=500, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )

    class Meta:
        model = Link
        fields = ["title", "url", "description", "tags"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_url(self):
        return clean_web_url(self.cleaned_data.get("url"))


class JobForm(forms.ModelForm):
    url = forms.CharField(
        label="Link to the advert", max_length=500, required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="Where to read more and apply (optional if the description says it all).",
    )  # fmt: skip

    class Meta:
        model = Job
        fields = ["title", "organisation", "location", "closing_on", "url", "description"]
        widgets = {"closing_on": DATE, "description": forms.Textarea(attrs={"rows": 6})}

    def clean_url(self):
        return clean_web_url(self.cleaned_data.get("url"), required=False)

    def clean_closing_on(self):
        closing_on = self.cleaned_data["closing_on"]
        if closing_on < timezone.localdate():
            raise forms.ValidationError(
                "The closing date has already passed. Please choose a date from today on."
            )
        return closing_on

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("url")
            and not (cleaned.get("description") or "").strip()
            and "url" not in self.errors
        ):
            self.add_error("description", "Please describe the job or give a link to the advert.")
        return cleaned


def _month_choices(today=None):
    today = (today or timezone.localdate()).replace(day=1)
    months = []
    for offset in range(-3, 7):
        year, month = divmod(today.month - 1 + offset, 12)
        first = datetime.date(today.year + year, month + 1, 1)
        months.append((first.isoformat(), f"{first:%B %Y}"))
    return months


class ArticleForm(forms.ModelForm):
    month = forms.TypedChoiceField(coerce=datetime.date.fromisoformat, label="Month")
    url = forms.CharField(
        label="Web address", max_length=500, required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )  # fmt: skip

    class Meta:
        model = Article
        fields = ["month", "title", "url", "document", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _month_choices()
        if self.instance.pk and self.instance.month.isoformat() not in dict(choices):
            choices.insert(0, (self.instance.month.isoformat(), f"{self.instance.month:%B %Y}"))
        self.fields["month"].choices = choices
        self.fields["month"].initial = timezone.localdate().replace(day=1).isoformat()
        self.fields["document"].queryset = Document.objects.filter(community=community).order_by("title")
        self.fields["document"].empty_label = "No document (use the web address)"
        self.fields["document"].required = False

    def clean_url(self):
        return clean_web_url(self.cleaned_data.get("url"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("document") and "url" not in self.errors:
            self.add_error(
                "url", "Please give the article's web address or choose a document from the library."
            )
        return cleaned


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["title", "description", "starts_on", "ends_on"]
        labels = {"starts_on": "Starts on", "ends_on": "Ends on"}
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"description": "What the community will focus on, and how members can take part."}

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The theme must end on or after the day it starts.")
        return cleaned


class AttachDocumentForm(forms.Form):
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Document from the library")

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = (
            Document.objects.filter(community_id=theme.community_id).exclude(theme=theme).order_by("title")
        )


class AttachMeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label="Meeting")

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(community_id=theme.community_id)
            .exclude(theme=theme)
            .order_by("-starts_at")
        )


class MeetingForm(forms.ModelForm):
    online_url = forms.CharField(
        label="Online meeting link", max_length=500, required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )  # fmt: skip

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "online_url", "agenda", "theme"]
        labels = {"starts_at": "Starts", "ends_at": "Ends"}
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "agenda": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = "In your time zone."
        self.fields["theme"].queryset = Theme.objects.filter(community=community)
        self.fields["theme"].empty_label = "No theme"

    def clean_online_url(self):
        return clean_web_url(self.cleaned_data.get("online_url"), required=False)

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The meeting must end after it starts.")
        if (
            not (cleaned.get("place") or "").strip()
            and not cleaned.get("online_url")
            and "online_url" not in self.errors
        ):
            self.add_error("place", "Please say where the meeting is: a place, an online link, or both.")
        return cleaned


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Meeting notes", widget=forms.Textarea(attrs={"rows": 12}),
        help_text="What was discussed and decided, and who will do what. Markdown is supported.",
        error_messages={"required": "The notes are empty. Please write what was discussed and decided."},
    )  # fmt: skip


class RsvpForm(forms.Form):
    response = forms.ChoiceField(choices=Rsvp.Response.choices)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the library, links and meeting notes", max_length=100, required=False)
