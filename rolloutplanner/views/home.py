from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from rolloutplanner.selectors import home_summary, landing_object


@login_required
def home(request):
    """Each role's landing page: an LEA coordinator or vendor contact lands on their own."""
    landing = landing_object(request.user)
    if landing is not None and "overview" not in request.GET:
        return redirect(landing.get_absolute_url())
    return render(request, "rolloutplanner/home.html", {"summary": home_summary(request.user)})
