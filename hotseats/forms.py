from django import forms
from django.utils import timezone

from communities.models import Theme

from .models import HotSeat, Question

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _zone_help(text=""):
    zone = timezone.get_current_timezone_name()
    return f"{text} In your time zone ({zone.replace('_', ' ')}).".strip()


class HotSeatForm(forms.ModelForm):
    class Meta:
        model = HotSeat
        fields = [
            "title", "topic", "description", "expert_name", "expert_email", "expert_bio",
            "opens_at", "closes_at", "theme", "tags",
        ]  # fmt: skip
        labels = {"opens_at": "Opens", "closes_at": "Closes", "theme": "Theme", "tags": "Topics (tags)"}
        help_texts = {
            "expert_email": "A member, anyone with an account, or someone new: if the address has no account "
            "yet, we e-mail them an invitation to sign up.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].required = False
        self.fields["opens_at"].help_text = _zone_help()
        self.fields["closes_at"].help_text = _zone_help("Leave empty for five days after opening.")
        self.fields["theme"].queryset = Theme.objects.filter(community=community)
        self.fields["theme"].required = False
        self.fields["theme"].empty_label = "No theme"
        if self.instance.pk and self.instance.state == HotSeat.Status.OPEN:
            self.fields["opens_at"].disabled = True

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Please give the hot seat a title.")
        return title

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "The closing time must be after the opening time.")
        return cleaned


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Your question",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown is supported. There is no such thing as a silly question.",
        error_messages={"required": "Please write your question first."},
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown is supported.",
        error_messages={"required": "Please write your answer first."},
    )


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label="Follow up",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please write your follow-up first."},
    )


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        label="New closing time", widget=DATETIME_WIDGET,
        error_messages={"required": "Please choose the new closing time.", "invalid": "Please enter a date and time."},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].help_text = _zone_help()


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Question.objects.none(), label="Merge into", empty_label="Choose the question that stays",
        error_messages={"required": "Please choose the question to merge into."},
    )  # fmt: skip

    def __init__(self, *args, hotseat, exclude, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Question.objects.filter(hotseat=hotseat).shown().exclude(pk=exclude.pk)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the transcripts", max_length=200, required=False)
