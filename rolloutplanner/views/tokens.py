from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rolloutplanner import services
from rolloutplanner.middleware import read_only_roles_may_post
from rolloutplanner.models import APIToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. “timeline sync”.")
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires at",
        help_text="Optional; format 2027-06-30 17:00.",
    )


@read_only_roles_may_post  # one's own tokens, to read through the API
@login_required
def token_list(request):
    """The user's own tokens; a new token's key appears once, right after it is created."""
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_key = services.create_api_token(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data["expires_at"],
        )
        form = TokenForm()
    tokens = APIToken.objects.filter(user=request.user)
    return render(
        request,
        "rolloutplanner/token_list.html",
        {"tokens": tokens, "form": form, "new_key": new_key},
    )


@read_only_roles_may_post
@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    services.revoke_api_token(token=token)
    return redirect("token-list")
