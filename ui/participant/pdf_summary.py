"""A printable one- or two-page summary of the result (fpdf2), to take to an appointment.

Each file carries its own summary id and time: Streamlit serves downloads by content hash with
no session check, so two people's summaries must never be the same bytes.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fpdf import FPDF

from scoring.vocab import Respondent
from ui.i18n import texts
from ui.participant.result_view import level_words, next_steps, notices, reason_groups, score_lines

# fpdf2's built-in fonts are Latin-1; these are the characters our wording uses beyond it.
_ASCII = str.maketrans(
    {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "≥": ">=", "·": "-"}
)


def _plain(text: str) -> str:
    return text.replace("**", "").translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def build_pdf(result: dict, respondent: Respondent, reference: str | None = None) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, 7, _plain(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str) -> None:
        pdf.set_font("Helvetica", "", 10.5)
        pdf.multi_cell(width, 5.5, _plain(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    heading(texts.PDF_TITLE.format(app=texts.APP_TITLE), 16)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    made = texts.PDF_MADE.format(stamp=stamp, summary_id=secrets.token_hex(4))
    para(made + (" " + texts.PDF_REFERENCE.format(reference=reference) if reference else ""))
    para(texts.RESULT_DISCLAIMER)
    heading(texts.DISPOSITION_HEADLINE[result["disposition"]][respondent], 14)
    reasons, also = reason_groups(result)
    heading(texts.RESULT_REASONS_TITLE)
    for reason in reasons:
        para(f"- {reason}")
    if also:
        heading(texts.RESULT_ALSO_NOTED_TITLE, 11)
        for finding in also:
            para(f"- {finding}")
    shown = notices(result, respondent)
    if shown:
        heading(texts.RESULT_FLAGS_TITLE)
        for notice in shown:
            para(f"- {notice}")
    heading(texts.RESULT_NEXT_TITLE)
    for step in next_steps(result, respondent):
        para(f"- {step}")
    if result["domains"]:
        heading(texts.DOMAIN_CHART_TITLE)
        for name, label in texts.DOMAIN_LABELS.items():
            if name in result["domains"]:
                para(f"- {label}: {level_words(result['domains'][name]['level'])}")
    lines = score_lines(result)
    if lines:
        heading(texts.RESULT_SCORES_TITLE)
        for line in lines:
            para(f"- {line}")
    heading(texts.PDF_CRISIS_TITLE)
    para(texts.CRISIS_FOOTER)
    return bytes(pdf.output())
