"""Timeline pages, included under ``timeline/`` in the ``rolloutplanner`` namespace."""

from django.urls import path

from rolloutplanner.timeline import feeds, views
from rolloutplanner.urlpatterns import crud_urls

app_name = "rolloutplanner"

urlpatterns = [
    path("", views.gantt, name="timeline-gantt"),
    path("lea/<int:pk>/", views.lea_timeline, name="timeline-lea"),
    path("vendor/<int:pk>/", views.vendor_timeline, name="timeline-vendor"),
    path("critical-path/", views.critical_path, name="timeline-critical-path"),
    path("dashboard/", views.dashboard, name="timeline-dashboard"),
    path("dashboard.pdf", views.dashboard_pdf, name="timeline-dashboard-pdf"),
    path("calendar/", views.calendar_feeds, name="calendar-feeds"),
    path("calendar/<int:pk>/revoke/", views.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("calendar/<str:key>/statewide.ics", feeds.statewide_feed, name="feed-statewide"),
    path("calendar/<str:key>/mine.ics", feeds.my_feed, name="feed-mine"),
    path("calendar/<str:key>/lea/<int:pk>.ics", feeds.lea_feed, name="feed-lea"),
    path("calendar/<str:key>/vendor/<int:pk>.ics", feeds.vendor_feed, name="feed-vendor"),
    path("baselines/save/", views.baseline_create, name="baseline-save"),
    path(
        "milestones/<int:pk>/reschedule/",
        views.milestone_reschedule,
        name="milestone-reschedule",
    ),
    path(
        "milestones/<int:pk>/dependencies/add/",
        views.dependency_add,
        name="milestone-dependency-add",
    ),
    path(
        "milestones/<int:pk>/dependencies/<int:dependency_pk>/remove/",
        views.dependency_remove,
        name="milestone-dependency-remove",
    ),
    *crud_urls(
        "phases",
        "phase",
        list_view=views.PhaseListView,
        detail_view=views.PhaseDetailView,
        create_view=views.PhaseCreateView,
        update_view=views.PhaseUpdateView,
        delete_view=views.PhaseDeleteView,
    ),
    *crud_urls(
        "waves",
        "wave",
        list_view=views.WaveListView,
        detail_view=views.WaveDetailView,
        create_view=views.WaveCreateView,
        update_view=views.WaveUpdateView,
        delete_view=views.WaveDeleteView,
    ),
    *crud_urls(
        "milestones",
        "milestone",
        list_view=views.MilestoneListView,
        detail_view=views.MilestoneDetailView,
        create_view=views.MilestoneCreateView,
        update_view=views.MilestoneUpdateView,
        delete_view=views.MilestoneDeleteView,
    ),
    *crud_urls(
        "baselines",
        "baseline",
        list_view=views.BaselineListView,
        detail_view=views.BaselineDetailView,
    ),
    *crud_urls(
        "notices",
        "changenotice",
        list_view=views.ChangeNoticeListView,
        detail_view=views.ChangeNoticeDetailView,
    ),
]
