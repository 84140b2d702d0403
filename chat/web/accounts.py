"""An account's own pages: the profile (name, avatar, language, e-mail) and the password
pages around it. Signing up, joining and logging in are chat/web/views.py."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from chat import profiles
from chat.errors import NicknameTaken
from chat.site import site_name_lazy
from chat.web.forms import ProfileForm


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["nickname"] != user.get_username():
                profiles.user_rename(user=user, nickname=data["nickname"])
        except NicknameTaken as error:  # a look-alike joined since the form's check
            form.add_error("nickname", error.detail)
        else:
            profiles.profile_avatar_change(user=user, avatar=data["avatar"])
            if "email" in data:
                profiles.account_email_set(user=user, email=data["email"])
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, for accounts: a guest has no password to change and sets one instead."""

    success_url = reverse_lazy("password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.profile.is_guest:
            return redirect("guest-upgrade")
        return super().dispatch(request, *args, **kwargs)


# The reset mail is written in the reader's language and signed with the site's name.
password_reset = auth_views.PasswordResetView.as_view(
    extra_email_context={"chat_site_name": site_name_lazy()},
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
)
