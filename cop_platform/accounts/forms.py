from django import forms

from communities.filetypes import UploadRefused

from .avatars import check_avatar_upload
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


REGIONS = ["Europe", "America", "Africa", "Asia", "Australia", "Pacific", "Atlantic", "Indian", "Antarctica"]


def grouped_timezones():
    """Zones by region ("Europe" → "London"), cities only: no "Etc/GMT+5" or legacy aliases.

    About 480 cities in nine groups instead of ~600 raw names; UTC stays at the top.
    """
    groups = {region: [] for region in REGIONS}
    for name, _label in TIMEZONE_CHOICES:
        region, _, city = name.partition("/")
        if region in groups and city:
            groups[region].append((name, city.replace("_", " ").replace("/", ", ")))
    return [
        ("UTC", "UTC (no daylight saving)"),
        *[(region, sorted(zones, key=lambda z: z[1])) for region, zones in groups.items()],
    ]


class ProfileForm(forms.ModelForm):
    photo = forms.FileField(
        label="Photo",
        required=False,
        help_text="A JPEG, PNG, GIF or WebP under 5 MB; we crop it to a square. Without one, your initials show.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove photo (show my initials)", required=False)
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=grouped_timezones,
        help_text="Times on the site are shown in this zone. Pick the city nearest you; type to search.",
        widget=forms.Select(attrs={"data-searchable": "Search time zones"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile_visibility"].required = False
        if not self.instance.avatar:
            del self.fields["remove_photo"]
        # An old account may hold a zone that is not in the city list (e.g. "GB"): keep it valid.
        current = self.initial.get("timezone") or getattr(self.instance, "timezone", "")
        known = {
            name
            for group in self.fields["timezone"].choices
            for name in ([group[0]] if isinstance(group[1], str) else [z for z, _ in group[1]])
        }
        if current and current not in known and current in dict(TIMEZONE_CHOICES):
            self.fields["timezone"].choices = [
                (current, current.replace("_", " ")),
                *self.fields["timezone"].choices,
            ]

    class Meta:
        model = User
        fields = [
            "display_name", "organisation", "job_title", "bio", "expertise", "timezone",
            "profile_visibility", "show_last_active", "photo", "remove_photo",
        ]  # fmt: skip
        widgets = {"bio": forms.Textarea(attrs={"rows": 4}), "profile_visibility": forms.RadioSelect}

    def clean_profile_visibility(self):
        # Left out of a form (an older client): keep the member's choice.
        return self.cleaned_data.get("profile_visibility") or self.instance.profile_visibility

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Please tell other members what to call you.")
        return name

    def clean_photo(self):
        """The photo re-encoded as a square WebP (bytes), or None when none was chosen."""
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return check_avatar_upload(upload)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None
