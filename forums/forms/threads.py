from django import forms
from taggit.forms import TagField

from communities.models import Theme

from ..models import Flag, Thread

QUESTION_HINT = (
    "Good questions get fast answers: say what you are trying to do, what you have tried, and "
    "what would help. There is no such thing as a silly question."
)


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you posting?", choices=Thread.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        max_length=200,
        help_text="One sentence, ideally a question: “How do you baseline benefits before a project starts?”",
        error_messages={"required": "Please give your post a title."},
    )
    body = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text="Markdown works: **bold**, lists, > quotes, [links](https://…). Mention a member with @Their Name.",
        error_messages={"required": "Please add a few details, so people can help."},
    )
    tags = TagField(required=False, help_text="A few topics, separated by commas.")
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, empty_label="No theme")
    poll_question = forms.CharField(label="Poll question", max_length=200, required=False)
    poll_options = forms.CharField(
        label="Poll options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One option per line, between 2 and 10.",
    )
    poll_multiple = forms.BooleanField(label="Allow several choices", required=False)
    poll_closes_at = forms.DateTimeField(
        label="Poll closes",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty to keep the poll open.",
    )

    def __init__(self, *args, community, access, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(Thread.Kind.choices)
        if not access.can_post_announcement:
            choices = [c for c in choices if c[0] != Thread.Kind.ANNOUNCEMENT]
        self.fields["kind"].choices = choices
        self.fields["kind"].initial = Thread.Kind.QUESTION
        themes = Theme.objects.filter(community=community).order_by("-starts_on")
        self.fields["theme"].queryset = themes
        if not themes.exists():
            del self.fields["theme"]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Please give your post a title.")
        return title

    def clean(self):
        cleaned = super().clean()
        question = (cleaned.get("poll_question") or "").strip()
        options = [o.strip() for o in (cleaned.get("poll_options") or "").splitlines() if o.strip()]
        if question and not 2 <= len(options) <= 10:
            self.add_error("poll_options", "A poll needs between 2 and 10 options, one per line.")
        elif options and not question:
            self.add_error("poll_question", "Please write the poll question, or remove the options.")
        cleaned["poll"] = (
            {
                "question": question,
                "options": options,
                "multiple": cleaned.get("poll_multiple"),
                "closes_at": cleaned.get("poll_closes_at"),
            }
            if question
            else None
        )
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown works. Mention a member with @Their Name to let them know.",
        error_messages={"required": "Please write a reply before sending."},
    )
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditPostForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Please write something."},
    )

    def __init__(self, *args, opening, **kwargs):
        super().__init__(*args, **kwargs)
        if opening:
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = "Please keep a title."
        else:
            del self.fields["title"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should a facilitator look at this post?", choices=Flag.Reason.choices, widget=forms.RadioSelect,
        error_messages={"required": "Please choose a reason."},
    )  # fmt: skip
    note = forms.CharField(
        label="Anything to add?", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not approved?", max_length=300,
        help_text="The author sees this beside their post. Be kind and specific: what would make it fine?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please give a reason: the author will see it."},
    )  # fmt: skip


class MoveForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Move to",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Please choose a community you facilitate."},
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class ListFilterForm(forms.Form):
    SORTS = [
        ("activity", "Latest activity"),
        ("newest", "Newest"),
        ("unanswered", "Unanswered"),
        ("unsolved", "Unsolved questions"),
    ]
    sort = forms.ChoiceField(choices=SORTS, required=False)
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Thread.Kind.choices], required=False)
    tag = forms.CharField(required=False, max_length=100)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search discussions", max_length=200, required=False)
    community = forms.CharField(required=False, max_length=60)
    tag = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Thread.Kind.choices], required=False)
    solved = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Solved questions"), ("no", "Unsolved questions")], required=False
    )
    author = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
