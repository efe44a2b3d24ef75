"""Builds the standard list/add/detail/edit/delete/history URLs for a model's views."""

from django.urls import path

from rolloutplanner.views.history import ObjectHistoryView


def crud_urls(
    prefix: str,
    name: str,
    *,
    list_view,
    detail_view,
    create_view=None,
    update_view=None,
    delete_view=None,
    model=None,
):
    prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    patterns = [
        path(prefix, list_view.as_view(), name=f"{name}-list"),
        path(f"{prefix}<int:pk>/", detail_view.as_view(), name=f"{name}-detail"),
    ]
    if create_view:
        patterns.append(path(f"{prefix}add/", create_view.as_view(), name=f"{name}-add"))
    if update_view:
        patterns.append(path(f"{prefix}<int:pk>/edit/", update_view.as_view(), name=f"{name}-edit"))
    if delete_view:
        patterns.append(
            path(f"{prefix}<int:pk>/delete/", delete_view.as_view(), name=f"{name}-delete")
        )
    history_model = model or detail_view.model
    patterns.append(
        path(
            f"{prefix}<int:pk>/history/",
            ObjectHistoryView.as_view(model=history_model),
            name=f"{name}-history",
        )
    )
    return patterns
