"""PDF (WeasyPrint, from an HTML template) and DOCX (python-docx) writers of ExportContent."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from usecases.exporters.content import ExportContent

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "usecases" / "export.css"


def to_pdf(content: ExportContent) -> bytes:
    from weasyprint import CSS, HTML  # imported here: needs the system's Pango libraries

    html = render_to_string("usecases/export/document.html", {"content": content})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def to_docx(content: ExportContent) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = content.title
    doc.add_heading(content.title, level=0)
    doc.add_paragraph(content.subtitle).runs[0].italic = True
    status = doc.add_paragraph()
    status.add_run(content.status_line).bold = True
    for block in content.blocks:
        doc.add_heading(block.heading, level=1)
        for paragraph in block.text.split("\n\n") if block.text else []:
            doc.add_paragraph(paragraph)
        for table in block.tables:
            if not table.rows:
                doc.add_paragraph("None recorded.")
                continue
            grid = doc.add_table(rows=1, cols=len(table.header))
            grid.style = "Table Grid"
            for cell, label in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = label
                for run in cell.paragraphs[0].runs:
                    run.bold = True
                    run.font.size = Pt(10)
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
