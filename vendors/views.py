from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from mapping.models import MappingPlan
from rolloutplanner.permissions import user_may_write
from rolloutplanner.views import generic
from rolloutplanner.views.exports import ExportView
from vendors import exports, selectors, services
from vendors.filtersets import (
    APICredentialFilterSet,
    CertificationFilterSet,
    ClaimSetFilterSet,
    DeploymentTimelineFilterSet,
    FollowUpFilterSet,
    MarketEventFilterSet,
    TouchpointFilterSet,
    VendorFilterSet,
)
from vendors.forms import (
    APICredentialForm,
    CertificationForm,
    ClaimSetForm,
    DeploymentTimelineEditForm,
    DeploymentTimelineForm,
    FollowUpEditForm,
    FollowUpForm,
    MarketEventForm,
    ReportLeakForm,
    TouchpointForm,
    VendorForm,
)
from vendors.models import (
    APICredential,
    Certification,
    ClaimSet,
    CredentialIncident,
    DeploymentTimeline,
    FollowUp,
    MarketEvent,
    Touchpoint,
    Vendor,
)

# Vendors (the inventory) ---------------------------------------------------------------------


class VendorListView(generic.ObjectListView):
    model = Vendor
    filterset_class = VendorFilterSet
    template_name = "vendors/vendor_list.html"
    prefetch_related = ("certifications",)
    columns = [
        ("name", "Vendor"),
        ("product_name", "Product"),
        ("get_product_type_display", "Product type"),
        ("lea_count", "LEAs using"),
        ("get_edfi_experience_display", "Ed-Fi experience"),
        ("certification_summary", "Ed-Fi certification"),
        ("get_assistance_level_display", "Technical assistance needed"),
    ]

    def base_queryset(self):
        return super().base_queryset().with_lea_counts().order_by("name", "product_name")


class VendorDetailView(generic.ObjectDetailView):
    model = Vendor
    template_name = "vendors/vendor_detail.html"
    detail_fields = [
        "name",
        "product_name",
        "product_type",
        "website",
        "edfi_experience",
        "assistance_level",
        "release_cadence",
        "planned_development",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.vendor_engagement(vendor=self.object, user=self.request.user))
        return context


class VendorCreateView(generic.ObjectCreateView):
    model = Vendor
    form_class = VendorForm


class VendorUpdateView(generic.ObjectUpdateView):
    model = Vendor
    form_class = VendorForm


class VendorDeleteView(generic.ObjectDeleteView):
    model = Vendor


class VendorInventoryExportView(ExportView):
    export = staticmethod(exports.export_vendor_inventory)


# Certifications, touchpoints, follow-ups, timelines, market events ---------------------------


class CertificationListView(generic.ObjectListView):
    model = Certification
    select_related = ("vendor",)
    filterset_class = CertificationFilterSet
    columns = [
        ("certification", "Certification"),
        ("vendor", "Vendor"),
        ("version", "Version"),
        ("get_status_display", "Status"),
        ("certified_on", "Certified on"),
    ]


class CertificationDetailView(generic.ObjectDetailView):
    model = Certification
    select_related = ("vendor",)
    detail_fields = ["vendor", "certification", "version", "status", "certified_on"]


class CertificationCreateView(generic.ObjectCreateView):
    model = Certification
    form_class = CertificationForm


class CertificationUpdateView(generic.ObjectUpdateView):
    model = Certification
    select_related = ("vendor",)
    form_class = CertificationForm


class CertificationDeleteView(generic.ObjectDeleteView):
    model = Certification
    select_related = ("vendor",)


class TouchpointListView(generic.ObjectListView):
    model = Touchpoint
    select_related = ("vendor",)
    filterset_class = TouchpointFilterSet
    columns = [("__str__", "Touchpoint"), ("held_on", "Date"), ("attendees", "Attendees")]


class TouchpointDetailView(generic.ObjectDetailView):
    model = Touchpoint
    select_related = ("vendor",)
    detail_fields = ["vendor", "held_on", "attendees", "decisions"]


class TouchpointCreateView(generic.ObjectCreateView):
    model = Touchpoint
    form_class = TouchpointForm


class TouchpointUpdateView(generic.ObjectUpdateView):
    model = Touchpoint
    select_related = ("vendor",)
    form_class = TouchpointForm


class TouchpointDeleteView(generic.ObjectDeleteView):
    model = Touchpoint
    select_related = ("vendor",)


class FollowUpListView(generic.ObjectListView):
    model = FollowUp
    select_related = ("touchpoint__vendor",)
    filterset_class = FollowUpFilterSet
    columns = [
        ("description", "Follow-up"),
        ("touchpoint", "Touchpoint"),
        ("owner", "Owner"),
        ("due_on", "Due"),
        ("done_on", "Done"),
    ]


class FollowUpDetailView(generic.ObjectDetailView):
    model = FollowUp
    select_related = ("touchpoint__vendor",)
    detail_fields = ["touchpoint", "owner", "due_on", "done_on", "notes"]


class FollowUpCreateView(generic.ObjectCreateView):
    model = FollowUp
    form_class = FollowUpForm


class FollowUpUpdateView(generic.ObjectUpdateView):
    model = FollowUp
    select_related = ("touchpoint__vendor",)
    form_class = FollowUpEditForm


class FollowUpDeleteView(generic.ObjectDeleteView):
    model = FollowUp
    select_related = ("touchpoint__vendor",)


class DeploymentTimelineListView(generic.ObjectListView):
    model = DeploymentTimeline
    select_related = ("vendor", "lea")
    filterset_class = DeploymentTimelineFilterSet
    columns = [
        ("__str__", "Timeline"),
        ("development_on", "Development"),
        ("qa_on", "QA"),
        ("deployment_on", "Deployment"),
    ]


class DeploymentTimelineDetailView(generic.ObjectDetailView):
    model = DeploymentTimeline
    select_related = ("vendor", "lea")
    detail_fields = ["vendor", "lea", "development_on", "qa_on", "deployment_on", "notes"]


class DeploymentTimelineCreateView(generic.ObjectCreateView):
    model = DeploymentTimeline
    form_class = DeploymentTimelineForm


class DeploymentTimelineUpdateView(generic.ObjectUpdateView):
    model = DeploymentTimeline
    select_related = ("vendor", "lea")
    form_class = DeploymentTimelineEditForm


class DeploymentTimelineDeleteView(generic.ObjectDeleteView):
    model = DeploymentTimeline
    select_related = ("vendor", "lea")


class MarketEventListView(generic.ObjectListView):
    model = MarketEvent
    select_related = ("vendor",)
    filterset_class = MarketEventFilterSet
    columns = [("__str__", "Event"), ("announced_on", "Announced"), ("effective_on", "Effective")]


class MarketEventDetailView(generic.ObjectDetailView):
    model = MarketEvent
    select_related = ("vendor",)
    detail_fields = ["vendor", "kind", "announced_on", "effective_on", "handoff_plan"]


class MarketEventCreateView(generic.ObjectCreateView):
    model = MarketEvent
    form_class = MarketEventForm


class MarketEventUpdateView(generic.ObjectUpdateView):
    model = MarketEvent
    select_related = ("vendor",)
    form_class = MarketEventForm


class MarketEventDeleteView(generic.ObjectDeleteView):
    model = MarketEvent
    select_related = ("vendor",)


class ClaimSetListView(generic.ObjectListView):
    model = ClaimSet
    filterset_class = ClaimSetFilterSet
    columns = [("name", "Claim set")]


class ClaimSetDetailView(generic.ObjectDetailView):
    model = ClaimSet
    detail_fields = ["name", "writable_resources"]


class ClaimSetCreateView(generic.ObjectCreateView):
    model = ClaimSet
    form_class = ClaimSetForm


class ClaimSetUpdateView(generic.ObjectUpdateView):
    model = ClaimSet
    form_class = ClaimSetForm


class ClaimSetDeleteView(generic.ObjectDeleteView):
    model = ClaimSet


# API credentials -----------------------------------------------------------------------------


class APICredentialListView(generic.ObjectListView):
    model = APICredential
    filterset_class = APICredentialFilterSet
    select_related = ("vendor", "claim_set")
    template_name = "vendors/apicredential_list.html"
    columns = [
        ("application_name", "Application"),
        ("key", "Key"),
        ("vendor", "Vendor"),
        ("claim_set", "Claim set"),
        ("school_year", "School year"),
        ("expires_on", "Expires"),
        ("revoked_on", "Revoked"),
        ("rotation_reason", "Rotation due"),
    ]


class APICredentialDetailView(generic.ObjectDetailView):
    model = APICredential
    select_related = ("vendor", "claim_set", "rotated_from")
    template_name = "vendors/apicredential_detail.html"
    detail_fields = [
        "key",
        "vendor",
        "claim_set",
        "data_standard",
        "ods_instance",
        "school_year",
        "owner_email",
        "issued_on",
        "expires_on",
        "rotated_from",
        "revoked_on",
        "revocation_reason",
        "rotation_flagged_on",
        "rotation_reason",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_report_leak"] = user_may_write(self.request.user)
        return context


class CredentialSecretMixin:
    """A secret typed into the form is turned into a fingerprint; it is never saved."""

    def save_form(self, form):
        credential = super().save_form(form)
        if form.cleaned_data.get("secret"):
            services.set_credential_secret(
                credential=credential, secret=form.cleaned_data["secret"]
            )
        return credential


class APICredentialCreateView(CredentialSecretMixin, generic.ObjectCreateView):
    model = APICredential
    form_class = APICredentialForm


class APICredentialUpdateView(CredentialSecretMixin, generic.ObjectUpdateView):
    model = APICredential
    form_class = APICredentialForm


class APICredentialDeleteView(generic.ObjectDeleteView):
    model = APICredential


class RotationDashboardView(LoginRequiredMixin, View):
    """Credentials flagged for rotation and those expiring soon, for the user's scope."""

    def get(self, request):
        context = selectors.rotation_dashboard(user=request.user, today=timezone.localdate())
        return render(request, "vendors/rotation_dashboard.html", context)


class ReportLeakView(LoginRequiredMixin, View):
    """Anyone who can see a credential and may change anything (not leadership) may report
    its leak: it is revoked at once."""

    template_name = "vendors/report_leak.html"

    def _credential(self, request, pk):
        credential = get_object_or_404(APICredential.objects.restrict(request.user), pk=pk)
        if not user_may_write(request.user):
            raise PermissionDenied("Leadership reads credentials but does not report leaks.")
        return credential

    def get(self, request, pk):
        credential = self._credential(request, pk)
        return render(request, self.template_name, {"object": credential, "form": ReportLeakForm()})

    def post(self, request, pk):
        credential = self._credential(request, pk)
        form = ReportLeakForm(request.POST)
        if form.is_valid():
            try:
                incident = services.report_leak(
                    credential=credential,
                    description=form.cleaned_data["description"],
                    leaked_secret=form.cleaned_data["leaked_secret"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.warning(
                    request,
                    f"{credential.key} is revoked; a replacement is due by "
                    f"{incident.replacement_due_on:%Y-%m-%d}.",
                )
                return redirect(incident)
        context = {"object": credential, "form": form}
        return render(request, self.template_name, context, status=400)


class ClaimSetCheckView(LoginRequiredMixin, View):
    """Credentials whose claim set misses a resource the plan's lineage says they write."""

    def get(self, request):
        plans = MappingPlan.objects.restrict(request.user).order_by("name")
        plan = plans.filter(pk=request.GET.get("plan") or 0).first() or plans.first()
        gaps = services.claim_set_gaps_for_plan(plan=plan) if plan else []
        visible = set(APICredential.objects.restrict(request.user).values_list("pk", flat=True))
        context = {
            "plans": plans,
            "plan": plan,
            "gaps": [gap for gap in gaps if gap.credential.pk in visible],
        }
        return render(request, "vendors/claimset_check.html", context)


class CredentialIncidentListView(generic.ObjectListView):
    model = CredentialIncident
    select_related = ("credential",)
    columns = [
        ("__str__", "Incident"),
        ("secret_matched", "Secret matched"),
        ("replacement_due_on", "Replacement due"),
        ("replacement", "Replacement"),
    ]


class CredentialIncidentDetailView(generic.ObjectDetailView):
    model = CredentialIncident
    template_name = "vendors/credentialincident_detail.html"
    select_related = ("credential__vendor", "reported_by", "replacement")
    detail_fields = [
        "credential",
        "reported_at",
        "reported_by",
        "description",
        "secret_matched",
        "replacement_due_on",
        "replacement",
    ]
