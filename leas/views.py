from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views import View

from leas import exports, selectors, services
from leas.filtersets import (
    CohortFilterSet,
    LEAFilterSet,
    LEAPersonFilterSet,
    ReadinessItemFilterSet,
    SupportNetworkFilterSet,
    SupportRequestFilterSet,
)
from leas.forms import (
    CohortBuilderForm,
    CohortForm,
    LEAForm,
    LEAImportForm,
    LEAPersonEditForm,
    LEAPersonForm,
    ReadinessItemForm,
    ReadinessStatusForm,
    SaveCohortVersionForm,
    SupportNetworkEditForm,
    SupportNetworkForm,
    SupportRequestEditForm,
    SupportRequestForm,
)
from leas.importers import FileImportError
from leas.models import (
    LEA,
    Cohort,
    LEAPerson,
    ReadinessItem,
    SupportNetwork,
    SupportRequest,
)
from rolloutplanner.import_files import imports_in_background
from rolloutplanner.roles import UNRESTRICTED_ROLES, role_of
from rolloutplanner.views import generic
from rolloutplanner.views.exports import ExportView

LEA_DETAIL_FIELDS = [
    "state_lea_id",
    "nces_id",
    "enrollment",
    "capacity",
    "urbanicity",
    "region",
    "poverty_level",
    "sis_vendor",
]


def require_sea_team(user) -> None:
    if role_of(user) not in UNRESTRICTED_ROLES:
        raise PermissionDenied("Only the SEA project team may do this.")


# LEAs ---------------------------------------------------------------------------------------


class LEAListView(generic.ObjectListView):
    model = LEA
    filterset_class = LEAFilterSet
    select_related = ("sis_vendor",)
    template_name = "leas/lea_list.html"
    columns = [
        ("name", "Name"),
        ("state_lea_id", "State LEA ID"),
        ("enrollment", "Enrollment"),
        ("get_urbanicity_display", "Urbanicity"),
        ("region", "Region"),
        ("get_poverty_level_display", "Poverty level"),
        ("sis_vendor", "SIS"),
        ("readiness_summary", "Readiness done"),
    ]

    def base_queryset(self):
        return super().base_queryset().with_readiness().order_by("name")


class LEADetailView(generic.ObjectDetailView):
    model = LEA
    select_related = ("sis_vendor",)
    detail_fields = LEA_DETAIL_FIELDS
    template_name = "leas/lea_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.lea_detail_sections(lea=self.object, user=self.request.user))
        return context


class LEACreateView(generic.ObjectCreateView):
    model = LEA
    form_class = LEAForm

    def save_form(self, form):
        lea = super().save_form(form)
        services.ensure_readiness_checklist(leas=[lea])
        return lea


class LEAUpdateView(generic.ObjectUpdateView):
    model = LEA
    form_class = LEAForm


class LEADeleteView(generic.ObjectDeleteView):
    model = LEA


class LEAImportView(LoginRequiredMixin, View):
    """Upload a registry file; any error rejects the whole file and lists every problem."""

    template_name = "leas/lea_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_sea_team(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": LEAImportForm()})

    def post(self, request):
        form = LEAImportForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if imports_in_background(size=upload.size):
                job = services.start_lea_import(user=request.user, upload=upload)
                messages.info(
                    request, f"{upload.name} is imported in the background; this page follows it."
                )
                return redirect(job)
            try:
                result = services.import_leas(file_name=upload.name, content=upload.read())
            except FileImportError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    f"Imported {upload.name}: {result.created} LEAs added, "
                    f"{result.updated} updated.",
                )
                return redirect("leas:lea-list")
        status = 400 if errors or form.errors else 200
        return render(request, self.template_name, {"form": form, "errors": errors}, status=status)


class LEAExportView(ExportView):
    export = staticmethod(exports.export_lea_registry)


class ReadinessExportView(ExportView):
    export = staticmethod(exports.export_readiness)


# People -------------------------------------------------------------------------------------


class LEAPersonListView(generic.ObjectListView):
    model = LEAPerson
    filterset_class = LEAPersonFilterSet
    select_related = ("lea",)
    columns = [
        ("name", "Name"),
        ("lea", "LEA"),
        ("title", "Title"),
        ("get_reporting_role_display", "Role in state reporting"),
        ("time_on_state_data", "Time on state data"),
        ("left_on", "Left on"),
    ]


class LEAPersonDetailView(generic.ObjectDetailView):
    model = LEAPerson
    select_related = ("lea",)
    detail_fields = [
        "lea",
        "title",
        "reporting_role",
        "email",
        "state_data_hours",
        "hours_period",
        "training_completed",
        "started_on",
        "left_on",
    ]


class LEAPersonCreateView(generic.ObjectCreateView):
    model = LEAPerson
    form_class = LEAPersonForm


class LEAPersonUpdateView(generic.ObjectUpdateView):
    model = LEAPerson
    form_class = LEAPersonEditForm


class LEAPersonDeleteView(generic.ObjectDeleteView):
    model = LEAPerson


# Readiness ----------------------------------------------------------------------------------


class ReadinessItemListView(generic.ObjectListView):
    model = ReadinessItem
    filterset_class = ReadinessItemFilterSet
    select_related = ("lea",)
    paginate_by = 100
    columns = [
        ("title", "Item"),
        ("lea", "LEA"),
        ("get_phase_display", "Phase"),
        ("get_status_display", "Status"),
        ("status_on", "Status date"),
    ]


class ReadinessItemDetailView(generic.ObjectDetailView):
    model = ReadinessItem
    select_related = ("lea",)
    detail_fields = ["lea", "phase", "key", "status", "status_on", "evidence_note"]


class ReadinessItemCreateView(generic.ObjectCreateView):
    model = ReadinessItem
    form_class = ReadinessItemForm


class ReadinessItemUpdateView(generic.ObjectUpdateView):
    model = ReadinessItem
    form_class = ReadinessStatusForm

    def form_valid(self, form):
        # The same service as the matrix's bulk update and the API: one rule for every edit.
        try:
            self.object = services.update_readiness_item(
                item=self.object, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.object)


class ReadinessItemDeleteView(generic.ObjectDeleteView):
    model = ReadinessItem


# Support ------------------------------------------------------------------------------------


class SupportRequestListView(generic.ObjectListView):
    model = SupportRequest
    filterset_class = SupportRequestFilterSet
    select_related = ("lea",)
    columns = [
        ("topic", "Topic"),
        ("lea", "LEA"),
        ("get_kind_display", "Kind"),
        ("held_on", "Date"),
        ("participants", "Who"),
        ("resolved", "Resolved"),
    ]


class SupportRequestDetailView(generic.ObjectDetailView):
    model = SupportRequest
    select_related = ("lea",)
    detail_fields = ["lea", "kind", "held_on", "participants", "outcome", "resolved"]


class SupportRequestCreateView(generic.ObjectCreateView):
    model = SupportRequest
    form_class = SupportRequestForm


class SupportRequestUpdateView(generic.ObjectUpdateView):
    model = SupportRequest
    form_class = SupportRequestEditForm


class SupportRequestDeleteView(generic.ObjectDeleteView):
    model = SupportRequest


class SupportNetworkListView(generic.ObjectListView):
    model = SupportNetwork
    filterset_class = SupportNetworkFilterSet
    select_related = ("lea",)
    columns = [
        ("name", "Network"),
        ("lea", "LEA"),
        ("get_kind_display", "Kind"),
        ("contact", "Contact"),
    ]


class SupportNetworkDetailView(generic.ObjectDetailView):
    model = SupportNetwork
    select_related = ("lea",)
    detail_fields = ["lea", "kind", "contact", "notes"]


class SupportNetworkCreateView(generic.ObjectCreateView):
    model = SupportNetwork
    form_class = SupportNetworkForm


class SupportNetworkUpdateView(generic.ObjectUpdateView):
    model = SupportNetwork
    form_class = SupportNetworkEditForm


class SupportNetworkDeleteView(generic.ObjectDeleteView):
    model = SupportNetwork


# Cohorts ------------------------------------------------------------------------------------


class CohortListView(generic.ObjectListView):
    model = Cohort
    filterset_class = CohortFilterSet
    columns = [("name", "Cohort"), ("get_kind_display", "Kind"), ("wave_number", "Wave")]


class CohortDetailView(generic.ObjectDetailView):
    model = Cohort
    detail_fields = ["kind", "wave_number", "notes"]
    template_name = "leas/cohort_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.cohort_versions(cohort=self.object))
        return context


class CohortCreateView(generic.ObjectCreateView):
    model = Cohort
    form_class = CohortForm


class CohortUpdateView(generic.ObjectUpdateView):
    model = Cohort
    form_class = CohortForm


class CohortDeleteView(generic.ObjectDeleteView):
    model = Cohort


class CohortBuilderView(LoginRequiredMixin, View):
    """Pick LEAs or ask for a suggestion; see coverage against the state's strata; save."""

    template_name = "leas/cohort_builder.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_sea_team(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        leas = LEA.objects.restrict(request.user).with_sis()
        form = CohortBuilderForm(request.GET or None, leas_queryset=leas)
        context = {"form": form, "suggestion": None}
        cohort_leas = []
        if form.is_valid():
            data = form.cleaned_data
            if "suggest" in request.GET and data["size"]:
                try:
                    suggestion = services.suggest_cohort(
                        size=data["size"],
                        must_include=data["must_include"],
                        exclude=data["exclude"],
                        candidates=leas,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    context["suggestion"] = suggestion
                    cohort_leas = suggestion.leas
            else:
                cohort_leas = list(data["leas"])
        context.update(selectors.cohort_builder(state=list(leas), cohort=cohort_leas))
        context["save_form"] = SaveCohortVersionForm(
            initial={"leas": cohort_leas},
            cohorts_queryset=Cohort.objects.restrict(request.user),
            leas_queryset=leas,
        )
        return render(request, self.template_name, context)

    def post(self, request):
        leas = LEA.objects.restrict(request.user)
        form = SaveCohortVersionForm(
            request.POST,
            cohorts_queryset=Cohort.objects.restrict(request.user),
            leas_queryset=leas,
        )
        if not form.is_valid():
            messages.error(request, "Pick a cohort and at least one LEA to save.")
            return redirect("leas:cohort-builder")
        data = form.cleaned_data
        explanation = {
            key.removeprefix("why_"): value
            for key, value in request.POST.items()
            if key.startswith("why_")
        }
        version = services.save_cohort_version(
            cohort=data["cohort"],
            leas=data["leas"],
            user=request.user,
            explanation=explanation,
            note=data["note"],
        )
        messages.success(request, f"Saved {version}.")
        return redirect(data["cohort"])
