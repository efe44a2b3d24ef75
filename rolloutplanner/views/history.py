from django.http import Http404
from django.views import generic

from rolloutplanner.history import changes_between, history_with_changes
from rolloutplanner.views.generic import RestrictedViewMixin


class ObjectHistoryView(RestrictedViewMixin, generic.DetailView):
    """Who changed what and when for any object the user may view; compare two versions."""

    template_name = "rolloutplanner/object_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = history_with_changes(self.object)
        context["comparison"] = self._comparison()
        return context

    def _comparison(self):
        first, second = self.request.GET.get("from"), self.request.GET.get("to")
        if not (first and second):
            return None
        history = self.object.history
        try:
            older = history.get(history_id=int(first))
            newer = history.get(history_id=int(second))
        except (ValueError, history.model.DoesNotExist):
            raise Http404("No such version of this object.") from None
        if older.history_date > newer.history_date:
            older, newer = newer, older
        return {"older": older, "newer": newer, "changes": changes_between(older, newer)}
