"""The evaluation report as files: PDF (WeasyPrint, from an HTML template) and XLSX
(openpyxl, one sheet per list), so Diskominfo can send it to the Sekda as it is.

The files are also published, so both carry :meth:`Evaluation.published`: figures in
full, and of a complaint the public may not see (rahasia, not yet verified, rejected,
merged) no code, category or kelurahan. No complaint text and no reporter data at all.
"""

from __future__ import annotations

import io
import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.core.city import site_name
from aduan.deadlines.models import SLA_STAGES
from aduan.lib.spreadsheet import append_xlsx_row

from .dashboard import STAGE_LABELS
from .evaluation import Evaluation
from .templatetags.reports import duration

# Sheet names: Excel allows 31 characters.
SHEETS = {
    "undispatched": gettext_lazy("Belum didisposisikan"),
    "unanswered": gettext_lazy("Belum ditanggapi"),
    "unresolved": gettext_lazy("Belum selesai"),
    "deferred": gettext_lazy("Rencana anggaran"),
}
# The PDF lists this many complaints per agency and list; the XLSX lists them all.
PDF_LIST_LIMIT = 40
UNNAMED = gettext_lazy("tidak publik")
UNNAMED_NOTE = gettext_lazy(
    "Aduan yang tidak tampil di situs publik (rahasia, belum diverifikasi, ditolak atau "
    "digabung) dihitung tanpa kode, kategori dan kelurahan."
)


def filename(report: Evaluation, extension: str) -> str:
    return f"evaluasi-aduan-{report.period.code}.{extension}"


def pdf(report: Evaluation) -> bytes:
    # WeasyPrint logs every step at INFO, some on import; the server log is not the place.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported late: it loads fonts and Pango on import

    report = report.published()
    html = render_to_string(
        "reports/evaluation_print.html",
        {
            "report": report,
            "period": report.period,
            "stages": SLA_STAGES,
            "stage_labels": STAGE_LABELS,
            "sections": report.sections(PDF_LIST_LIMIT),
            "print": True,
            # Rendered outside a request: no context processor names the service.
            "SITE_NAME": site_name(),
            "unnamed": UNNAMED,
            "unnamed_note": UNNAMED_NOTE,
        },
    )
    return HTML(string=html).write_pdf()


def _when(value):
    # Excel cells hold naive datetimes; the report is in the city's time.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def xlsx(report: Evaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    report = report.published()
    # Every row through append_xlsx_row: agency, category and kelurahan names are typed
    # by people, and openpyxl would store a name starting with "=" as a formula.
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ringkasan")
    append_xlsx_row(sheet, [_("Evaluasi penanganan aduan"), report.period.label])
    append_xlsx_row(sheet, [_("Dibuat"), _when(report.generated_at)])
    append_xlsx_row(sheet, [])
    header = [
        _("OPD"),
        _("Disposisi diterima"),
        _("Jawaban"),
        _("Belum ditanggapi"),
        _("Belum selesai"),
        _("Rencana anggaran"),
    ]
    for stage in SLA_STAGES:
        label = str(STAGE_LABELS[stage])
        header += [
            _("%(s)s: terukur") % {"s": label},
            _("%(s)s: tepat waktu") % {"s": label},
            _("%(s)s: terlambat") % {"s": label},
            _("%(s)s: median") % {"s": label},
        ]
    header += [_("Dibantah"), _("Jumlah penilaian"), _("Rata-rata nilai")]
    append_xlsx_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report.rows:
        values = [
            row.name,
            row.dispatched,
            row.answers,
            row.unanswered,
            row.unresolved,
            row.deferred,
        ]
        for stage in SLA_STAGES:
            values += [
                row.judged.get(stage, 0),
                row.on_time.get(stage, 0),
                row.breaches.get(stage, 0),
                duration(row.medians.get(stage)),
            ]
        values += [row.disputes, row.ratings, round(row.mean_rating, 2) if row.ratings else None]
        append_xlsx_row(sheet, values)
    append_xlsx_row(sheet, [])
    append_xlsx_row(sheet, [str(UNNAMED_NOTE)])
    sheet.column_dimensions["A"].width = 40
    for i in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 14

    if report.accountability is not None:
        _accountability_sheets(book, report.accountability)

    for kind, title in SHEETS.items():
        page = book.create_sheet(str(title)[:31])
        append_xlsx_row(
            page,
            [
                _("OPD"),
                _("Kode aduan"),
                _("Kategori"),
                _("Kelurahan"),
                _("Status sekarang"),
                _("Mulai"),
                _("Tenggat"),
                _("Hari terlambat"),
                _("Tahun anggaran"),
            ],
        )
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in report.rows:
            for item in report.items_for(row, kind):
                append_xlsx_row(
                    page,
                    [
                        row.name,
                        item.code or str(UNNAMED),
                        item.category,
                        item.kelurahan,
                        item.status,
                        _when(item.started_at),
                        _when(item.due_at),
                        item.days_late,
                        item.planned_year,
                    ],
                )
        for letter, width in zip("ABCDEFGHI", (36, 16, 24, 20, 24, 18, 18, 12, 12), strict=True):
            page.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold_header(sheet) -> None:
    from openpyxl.styles import Font

    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _accountability_sheets(book, acc) -> None:
    sheet = book.create_sheet(str(_("Rapor dan sanksi"))[:31])
    append_xlsx_row(
        sheet,
        [
            _("OPD"),
            _("Peringkat"),
            _("Skor (%)"),
            _("Tahap terukur"),
            _("Langkah diusulkan"),
            _("Langkah disetujui"),
            _("Alasan perubahan"),
            _("Status"),
            _("Rencana perbaikan"),
            _("Langkah periode lalu"),
            _("Rencana periode lalu berhasil"),
        ],
    )
    _bold_header(sheet)
    for row in acc.rows:
        score, record, before = row.score, row.sanction, row.previous
        held = row.previous_held
        append_xlsx_row(
            sheet,
            [
                row.name,
                score.rank if score and score.ranked else None,
                float(score.displayed) if score and score.displayed is not None else None,
                score.judged if score else 0,
                record.proposed_level.name if record else "",
                record.level.name if record and record.is_decided else "",
                record.amendment_reason if record else "",
                record.get_state_display() if record else "",
                record.plan_status if record else "",
                before.step.name if before else "",
                "" if held is None else (_("ya") if held else _("tidak")),
            ],
        )
    for letter, width in zip(
        "ABCDEFGHIJK", (36, 10, 10, 12, 20, 20, 30, 24, 30, 20, 14), strict=True
    ):
        sheet.column_dimensions[letter].width = width

    sheet = book.create_sheet(str(_("Hasil penanganan"))[:31])
    append_xlsx_row(sheet, [_("OPD"), *acc.outcome_titles])
    _bold_header(sheet)
    for row in acc.rows:
        if row.outcomes:
            append_xlsx_row(sheet, [row.name, *row.outcome_list()])
    append_xlsx_row(sheet, [_("Jumlah"), *acc.outcome_totals])
    sheet.column_dimensions["A"].width = 36


def letter_filename(sanction) -> str:
    return f"surat-{sanction.step.code}-{sanction.agency.code}-{sanction.period}.pdf"


def letter_pdf(sanction) -> bytes:
    """The issued letter as a PDF, from the text frozen when it was issued."""
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from weasyprint import CSS, HTML

    context = {"sanction": sanction, "SITE_NAME": site_name()}
    html = render_to_string("reports/letter_print.html", context)
    # The page style as a separate sheet: templates hold no inline style (CSP test).
    css = render_to_string("reports/letter_print.css", context)
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
