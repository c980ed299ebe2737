from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .avatars import remove_avatar, set_avatar
from .forms import ProfileForm


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data.get("photo"):
            set_avatar(request.user, form.cleaned_data["photo"])
        elif form.cleaned_data.get("remove_photo"):
            remove_avatar(request.user)
        messages.success(request, "Your profile is saved.")
        return redirect("profile", pk=request.user.pk)
    return render(request, "accounts/edit_profile.html", {"form": form})


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """Confirming a new address signs its owner in, even in another browser, exactly once.

    allauth signs in on confirmation only in the browser that signed up (the session holds the
    pending login), so someone who opens the link on their phone lands on "Sign in". We also
    sign in when this confirmation is what verifies the address for the first time: the link
    cannot sign anyone in a second time, which is the risk allauth guards against.
    """

    def post(self, *args, **kwargs):
        confirmation = self.get_object()
        address = confirmation.email_address
        first_time = not address.verified
        response = super().post(*args, **kwargs)
        if first_time and not self.request.user.is_authenticated:
            address.refresh_from_db()
            user = address.user
            if address.verified and user.is_active:
                login(self.request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
                messages.success(self.request, f"Your address is confirmed. Welcome, {user.name}!")
                return redirect(settings.LOGIN_REDIRECT_URL)
        return response
