"""PDF and DOCX exports: content, version and approval status printed, pages render."""

import datetime
import io

import pytest
from django.urls import reverse

from rolloutplanner.roles import Role
from tests.usecases import factories as f
from usecases.exporters.content import document_content, round_content
from usecases.exporters.writers import to_docx, to_pdf
from usecases.services import assessment as assessment_services
from usecases.services import documents as wf


def render_pages(pdf: bytes, scale: float = 1.0):
    """Rasterise every page (PDFium) so tests check what a reader sees, not just bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=scale).to_pil() for page in document]
    texts = [page.get_textpage().get_text_range() for page in document]
    return images, texts


def ink_ratio(image) -> float:
    grey = image.convert("L")
    histogram = grey.histogram()
    dark = sum(histogram[:200])
    return dark / (grey.width * grey.height)


@pytest.fixture
def approved_use_case(world):
    team, leader = world.users[Role.SEA_TEAM], world.users[Role.LEADERSHIP]
    document = wf.create_document(kind="use_case", title="IDEA Part B integration", user=team)
    for section in document.sections.all():
        wf.edit_section(section=section, user=team, body=f"{section.heading}: agreed text.")
    f.RiskFactory(document=document)
    f.DataRequirementFactory(document=document)
    f.StakeholderImpactFactory(document=document)
    reviewer = f.StakeholderFactory()
    wf.send_for_stakeholder_review(
        document=document,
        user=team,
        reviewers=[reviewer],
        due=datetime.date.today() + datetime.timedelta(days=3),
    )
    wf.mark_revised(document=document, user=team)
    wf.send_for_leadership_review(document=document, user=team)
    wf.approve(document=document, user=leader)
    return document


@pytest.mark.django_db
def test_use_case_pdf_prints_version_and_approval_and_renders(approved_use_case, world):
    pdf = to_pdf(document_content(approved_use_case))
    assert pdf.startswith(b"%PDF")
    images, texts = render_pages(pdf)
    text = " ".join(texts)
    assert "IDEA Part B integration" in text
    assert "Version 1" in text and "Status: Approved" in text
    leader = world.users[Role.LEADERSHIP]
    assert f"Approved by {leader.get_full_name()}" in text
    assert "Risks and Mitigations" in text and "Shortage of technical staff" in text
    assert "Page 1 of" in text  # running footer
    for image in images:
        assert image.width > 500 and image.height > 700  # Letter pages, not a blank sliver
        assert 0.005 < ink_ratio(image) < 0.5  # text on the page, not a black or empty page


@pytest.mark.django_db
def test_use_case_docx_has_headings_tables_and_status(approved_use_case):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(document_content(approved_use_case))))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "IDEA Part B integration"
    assert "Need(s) Statement(s) or Associated Question(s)" in headings
    assert any("Status: Approved" in p.text for p in doc.paragraphs)
    risk_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Risk")
    assert risk_table.rows[1].cells[0].text.startswith("Shortage of technical staff")


@pytest.mark.django_db
def test_scope_document_exports_items_with_the_use_cases_they_serve(world):
    use_case = f.PlanningDocumentFactory(title="State reporting via Ed-Fi")
    item = f.ScopeItemFactory()
    item.use_cases.add(use_case)
    pdf = to_pdf(document_content(item.document))
    _, texts = render_pages(pdf)
    text = " ".join(texts)
    assert "Status: Draft" in text
    assert "Child count (FS002/FS089)" in text and "State reporting via Ed-Fi" in text


@pytest.mark.django_db
def test_self_assessment_report_exports(world):
    team = world.users[Role.SEA_TEAM]
    item = f.AssessmentItemFactory()
    round_ = f.AssessmentRoundFactory(instrument=item.dimension.instrument, name="Baseline")
    assessment_services.rate_item(round=round_, item=item, rater=team, level=2)
    assessment_services.agree_rating(round=round_, item=item, user=team, level=2)
    content = round_content(round_)
    _, texts = render_pages(to_pdf(content))
    assert "Self-assessment: Baseline" in texts[0] and "1 rater ·" in texts[0]
    assert "1 = Not started" in texts[0] and "4 = Sustained" in texts[0]
    from docx import Document

    doc = Document(io.BytesIO(to_docx(content)))
    assert doc.tables[0].rows[1].cells[3].text == "2"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SEA_TEAM, Role.LEADERSHIP, Role.VENDOR_CONTACT])
def test_every_role_downloads_exports(client, world, role):
    document = f.PlanningDocumentFactory()
    client.force_login(world.users[role])
    for fmt, mime in [("pdf", "application/pdf"), ("docx", "officedocument")]:
        response = client.get(reverse("usecases:planningdocument-export", args=[document.pk, fmt]))
        assert response.status_code == 200
        assert mime in response["Content-Type"]
        assert "attachment" in response["Content-Disposition"]
    bad = client.get(reverse("usecases:planningdocument-export", args=[document.pk, "xls"]))
    assert bad.status_code == 404


@pytest.mark.django_db
def test_export_of_unknown_document_is_404(client, world):
    client.force_login(world.users[Role.SEA_TEAM])
    response = client.get(reverse("usecases:planningdocument-export", args=[99999, "pdf"]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_docx_opens_and_renders_in_a_word_processor(approved_use_case, tmp_path):
    """Converts the DOCX with LibreOffice (when installed) and checks the rendered pages."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed; apt-get install libreoffice-writer-nogui"
        )
    source = tmp_path / "use-case.docx"
    source.write_bytes(to_docx(document_content(approved_use_case)))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    images, texts = render_pages((tmp_path / "use-case.pdf").read_bytes())
    text = " ".join(" ".join(texts).split())  # table cells wrap lines
    assert "IDEA Part B integration" in text and "Status: Approved" in text
    assert "Shortage of technical staff" in text
    assert all(0.005 < ink_ratio(image) < 0.5 for image in images)
