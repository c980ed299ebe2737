from django import forms
from django.utils.text import slugify

from .models import Community, Membership, WatchedWord

PURPOSE_REQUIRED = "Please describe the purpose: the shared area of practice that brings members together."
RESERVED_SLUGS = {"new", "propose", "review", "health", "search", "admin", "api", "static", "media"}


class CommunityProposalForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "slug", "purpose", "scope", "description", "tags", "visibility"]
        labels = {"slug": "Web address", "purpose": "Purpose"}
        help_texts = {"slug": "Letters, numbers and hyphens; leave empty to make one from the name."}
        error_messages = {
            "name": {"required": "Please give the community a name."},
            "purpose": {"required": PURPOSE_REQUIRED},
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug") or slugify(cleaned.get("name", ""))[:60]
        if "name" in cleaned and not slug:
            self.add_error("slug", "Please choose a web address made of letters and numbers.")
            return cleaned
        if slug in RESERVED_SLUGS:
            self.add_error("slug", f"“{slug}” is reserved. Please choose another web address.")
        elif slug and Community.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", f"The web address “{slug}” is already taken. Please choose another.")
        cleaned["slug"] = slug
        return cleaned


class CommunitySettingsForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = [
            "name", "purpose", "scope", "description", "tags", "welcome_message", "blog_publishers",
            "hold_first_posts",
        ]  # fmt: skip
        widgets = {
            "blog_publishers": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "welcome_message": forms.Textarea(attrs={"rows": 14}),
        }
        error_messages = {
            "name": {"required": "Please give the community a name."},
            "purpose": {"required": PURPOSE_REQUIRED},
            "welcome_message": {
                "required": "The welcome message cannot be empty: new members read it first."
            },
            "hold_first_posts": {
                "invalid": "Please give a whole number of posts, 0 to turn this off.",
                "min_value": "Please give a number from 0 (off) to 20.",
                "max_value": "Please give a number from 0 (off) to 20.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blog_publishers"].required = False  # left out: keep the community's choice
        self.fields["hold_first_posts"].required = False  # left out: keep the community's choice
        self.fields["hold_first_posts"].widget.attrs.update({"min": 0, "max": 20, "inputmode": "numeric"})

    def clean_hold_first_posts(self):
        value = self.cleaned_data.get("hold_first_posts")
        return self.instance.hold_first_posts if value is None else value

    def clean_blog_publishers(self):
        return self.cleaned_data.get("blog_publishers") or self.instance.blog_publishers


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the proposer",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please give the proposer a reason, so they can improve the proposal."},
    )


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label="A short note to the facilitators",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What do you work on, and what would you like from the community? (optional)",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search communities", required=False, max_length=100)
    tag = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    visibility = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All communities"), ("open", "Open to all"), ("closed", "Closed (by request)")],
    )


class SanctionForm(forms.Form):
    """A ban or a suspension: the reason is shown to the person."""

    reason = forms.CharField(
        max_length=300, widget=forms.Textarea(attrs={"rows": 3}), help_text="The person sees this reason."
    )


class SilenceForm(SanctionForm):
    days = forms.IntegerField(
        min_value=1, max_value=90, initial=7, label="Days", help_text="From 1 to 90 days; it ends by itself."
    )


class WatchedWordForm(forms.Form):
    word = forms.CharField(max_length=100, help_text="Matched as a whole word, in any case.")
    action = forms.ChoiceField(choices=WatchedWord.Action.choices)
