from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from rolloutplanner.permissions import VIEW
from usecases import models as m
from usecases.exporters.content import document_content, round_content
from usecases.exporters.writers import to_docx, to_pdf

FORMATS = {
    "pdf": (to_pdf, "application/pdf"),
    "docx": (
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def _respond(content, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Export as pdf or docx.")
    writer, mime = FORMATS[fmt]
    response = HttpResponse(writer(content), content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{content.filename}.{fmt}"'
    return response


@login_required
def document_export(request, pk: int, fmt: str):
    document = get_object_or_404(m.PlanningDocument.objects.restrict(request.user, VIEW), pk=pk)
    return _respond(document_content(document), fmt)


@login_required
def round_export(request, pk: int, fmt: str):
    round_ = get_object_or_404(m.AssessmentRound.objects.restrict(request.user, VIEW), pk=pk)
    return _respond(round_content(round_), fmt)
