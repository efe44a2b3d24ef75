"""The download page behind every "Export CSV / XLSX" link of a list."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View

from rolloutplanner.exports import download


class ExportView(LoginRequiredMixin, View):
    """``?format=csv|xlsx`` download of what the user may see, formula-safe.

    ``export`` is a function ``(*, user) -> rolloutplanner.exports.Table`` that reads through
    ``restrict(user)``; a subclass sets it with ``staticmethod``.
    """

    export = None

    def get(self, request):
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        return download(type(self).export(user=request.user), fmt)
