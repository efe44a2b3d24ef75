from rolloutplanner.urlpatterns import crud_urls
from vendors import views

app_name = "vendors"

urlpatterns = crud_urls(
    "",
    "vendor",
    list_view=views.VendorListView,
    detail_view=views.VendorDetailView,
    create_view=views.VendorCreateView,
    update_view=views.VendorUpdateView,
    delete_view=views.VendorDeleteView,
)
