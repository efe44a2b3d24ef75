from leas import views
from rolloutplanner.urlpatterns import crud_urls

app_name = "leas"

urlpatterns = crud_urls(
    "",
    "lea",
    list_view=views.LEAListView,
    detail_view=views.LEADetailView,
    create_view=views.LEACreateView,
    update_view=views.LEAUpdateView,
    delete_view=views.LEADeleteView,
)
