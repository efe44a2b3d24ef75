from rolloutplanner.roles import role_label

# (label, url name) for the main navigation; apps add their entry here as they grow.
NAVIGATION = [
    ("Home", "home"),
    ("LEAs", "leas:lea-list"),
    ("Vendors", "vendors:vendor-list"),
    ("Readiness", "leas:readiness-matrix"),
    ("Mapping", "mapping:mappingplan-list"),
    ("Timeline", "rolloutplanner:timeline-gantt"),
    ("Planning", "usecases:index"),
    ("Parallel year", "parallel:dashboard"),
    ("Jobs", "job-list"),
    ("API tokens", "token-list"),
]


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "navigation": NAVIGATION,
        "user_role_label": role_label(user) if user is not None else "",
    }
