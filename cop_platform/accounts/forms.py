from django import forms

from .models import TIMEZONE_CHOICES, User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password."""

    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="Shown to other members, for example “Priya Shah”.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone", choices=TIMEZONE_CHOICES, help_text="Times on the site are shown in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "organisation", "job_title", "bio", "expertise", "timezone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Please tell other members what to call you.")
        return name
