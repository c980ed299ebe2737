import datetime

from django import forms
from django.utils import timezone

from .models import Issue, Preference


class PreferenceForm(forms.Form):
    digest = forms.ChoiceField(label="Digest", choices=Preference.Digest.choices)
    newsletter = forms.BooleanField(label="Monthly newsletter", required=False)
    immediate = forms.BooleanField(label="Immediate e-mail for replies, mentions and answers", required=False)


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}
        help_texts = {
            "body": "Markdown: ## for headings, - for lists, [text](https://...) for links. "
            "Members receive it by e-mail; it also appears in the archive on the site."
        }


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label="Send at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your time zone.",
    )

    def clean_send_at(self):
        value = self.cleaned_data["send_at"]
        if value <= timezone.now() + datetime.timedelta(seconds=30):
            raise forms.ValidationError("Please choose a time in the future, or use “Send now”.")
        return value
