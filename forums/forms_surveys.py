"""Forms of surveys and quick polls. The answer form is built from the survey's questions."""

from django import forms
from django.utils import timezone

from .models import Survey, SurveyQuestion

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
Kind = SurveyQuestion.Kind


def _zone_help(text=""):
    zone = timezone.get_current_timezone_name()
    return f"{text} In your time zone ({zone.replace('_', ' ')}).".strip()


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "anonymous", "opens_at", "closes_at"]
        labels = {"opens_at": "Opens", "closes_at": "Closes"}
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].help_text = _zone_help()
        self.fields["closes_at"].help_text = _zone_help("Members see the results once it closes.")

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "The closing time must be after the opening time.")
        return cleaned


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of question", choices=Kind.choices)
    text = forms.CharField(label="Question", max_length=300)
    options = forms.CharField(
        label="Choices", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, for one choice, several choices and ranking. For a scale: the words for 1 and 5.",
    )  # fmt: skip
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Please write the question.")
        return text

    def option_lines(self):
        return self.cleaned_data.get("options", "").splitlines()


class QuickPollForm(forms.Form):
    question = forms.CharField(max_length=200)
    options = forms.CharField(
        label="Answers", widget=forms.Textarea(attrs={"rows": 4}), help_text="Two to twelve, one a line."
    )
    days = forms.TypedChoiceField(
        label="Open for", coerce=int, initial=7,
        choices=[(3, "3 days"), (7, "a week"), (14, "two weeks"), (30, "a month")],
    )  # fmt: skip


def answer_fields(questions, data=None):
    """Read the answer form from POST data: {question pk: value} and {question pk: error}."""
    values, errors = {}, {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == Kind.TEXT:
            values[q.pk] = (data.get(name, "") if data else "")[:4000]
        elif q.kind == Kind.MULTIPLE:
            values[q.pk] = [_int(v) for v in (data.getlist(name) if data else [])]
        elif q.kind == Kind.RANKING:
            places = [_int(data.get(f"{name}_{i}")) if data else None for i in range(len(q.options))]
            if all(p is None for p in places):
                values[q.pk] = []
            elif any(p is None for p in places) or sorted(places) != list(range(1, len(places) + 1)):
                errors[q.pk] = f"Give each choice a different place, from 1 to {len(places)}."
                values[q.pk] = []
            else:
                order = sorted(range(len(places)), key=lambda i: places[i])
                values[q.pk] = order
        else:
            values[q.pk] = _int(data.get(name)) if data else None
    return values, errors


def _int(value):
    from cop_platform.params import parse_int

    return parse_int(value, None, minimum=0, maximum=100)
