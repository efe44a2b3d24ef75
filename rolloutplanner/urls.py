from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from rolloutplanner.middleware import read_only_roles_may_post
from rolloutplanner.views import health, home, jobs, tokens

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("accounts/login/", read_only_roles_may_post(auth_views.LoginView.as_view()), name="login"),
    path(
        "accounts/logout/", read_only_roles_may_post(auth_views.LogoutView.as_view()), name="logout"
    ),
    path(
        "accounts/password/",
        read_only_roles_may_post(auth_views.PasswordChangeView.as_view(success_url="/")),
        name="password_change",
    ),
    path("jobs/", jobs.JobListView.as_view(), name="job-list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/cancel/", jobs.cancel_job, name="job-cancel"),
    path("jobs/state-summary/", jobs.start_state_summary, name="job-start-state-summary"),
    path("tokens/", tokens.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("leas/", include("leas.urls")),
    path("vendors/", include("vendors.urls")),
    path("mapping/", include("mapping.urls")),
    path("timeline/", include("rolloutplanner.timeline.urls")),
    path("usecases/", include("usecases.urls")),
    path("parallel/", include("parallel.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("rolloutplanner.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
