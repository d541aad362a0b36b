"""Build the six built-in Word templates in agreement_templates/.

    .venv/bin/python scripts/build_templates.py

Writes ``agreement_templates/<kind>.<language>.docx`` for the partnership
agreement, the understanding paper and the first-contact letter, in Danish and
English. The templates are ordinary Word documents with docxtpl (Jinja) tags, so
they can be opened and adjusted in Word; this script is their source of truth.

Layout of this file:

* the words: one dict per document, Danish and English side by side, so the two
  languages stay structurally identical (checked when the script runs);
* shared helpers: page set-up, styles, numbering, header and footer, tables and
  the docxtpl tag paragraphs (class ``Template``);
* one function per document section, and one function per document.

docxtpl rules the helpers keep: a tag lives in a single run; ``{%p ... %}``,
``{%tr ... %}`` and ``{%tc ... %}`` tags sit alone in their paragraph, row or cell,
which docxtpl removes; every table cell keeps at least one plain paragraph.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "agreement_templates"
KINDS = ("agreement", "understanding", "first_contact")
LANGUAGES = ("da", "en")

# ------------------------------------------------------------------ page and look
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN = 1418  # 2.5 cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 9070 twips, 16 cm
FONT = "Arial"
BODY_SIZE = 10.5
ACCENT = "1F4E79"  # dark blue for headings and the title
MUTED = "595959"  # grey for header, footer and captions
RULE = "A6A6A6"  # table borders
HEADER_FILL = "DCE6F0"  # shaded table header row
LABEL_FILL = "F2F2F2"  # first column of label/value tables
NOTICE_FILL = "EAF1F8"
LOCALE_TAGS = {"da": "da-DK", "en": "en-GB"}
#: Fixed timestamps make a rebuild without changes byte-identical.
BUILD_TIMESTAMP = (2026, 1, 1, 0, 0, 0)

# Numbering definitions (numbering.xml): headings, bullets, numbered list.
HEADING_NUM, BULLET_NUM, NUMBER_NUM = 1, 2, 3


# ============================================================== the words
# Jinja expressions are part of the text; every value is escaped by the engine.

COMMON = {
    "da": {
        "reference": "Reference",
        "partnership_type": "Samarbejdsform",
        "parties": "Parter",
        "period": "Periode",
        "sector": "Sektor",
        "registration_number": (
            "{% if party.country and party.country != 'DK' %}Registreringsnr."
            "{% else %}CVR-nr.{% endif %}"
        ),
        "address": "Adresse",
        "country": "Land",
        "website": "Hjemmeside",
        "representative": "Repræsentant",
        "contact_person": "Kontaktperson",
        "contributions": "Bidrag",
        "expectations": "Forventninger",
        "from": "Fra",
        "until": "Til og med",
        "responsible": "Ansvarlig",
        "date": "Dato",
        "signatures": "Underskrifter",
        "sign_for": "For {{ party.name }}",
        "place_and_date": "Sted og dato",
        "name_and_title": "Navn og titel",
        "page": "Side",
        "page_of": "af",
        "values": "Fælles værdier",
        "background": "Baggrund",
        "vision": "Vision",
        "term_renewal": "Fornyelse",
    },
    "en": {
        "reference": "Reference",
        "partnership_type": "Type of cooperation",
        "parties": "Parties",
        "period": "Period",
        "sector": "Sector",
        "registration_number": "Registration no.",
        "address": "Address",
        "country": "Country",
        "website": "Website",
        "representative": "Representative",
        "contact_person": "Contact person",
        "contributions": "Contributions",
        "expectations": "Expectations",
        "from": "From",
        "until": "Until",
        "responsible": "Responsible",
        "date": "Date",
        "signatures": "Signatures",
        "sign_for": "For {{ party.name }}",
        "place_and_date": "Place and date",
        "name_and_title": "Name and title",
        "page": "Page",
        "page_of": "of",
        "values": "Shared values",
        "background": "Background",
        "vision": "Vision",
        "term_renewal": "Renewal",
    },
}

AGREEMENT = {
    "da": {
        "kicker": "Partnerskabsaftale",
        "intro": (
            "Denne aftale beskriver, hvad parterne vil skabe sammen, hvad hver part "
            "bidrager med og forventer, og hvordan samarbejdet ledes, evalueres og "
            "afsluttes."
        ),
        "between": (
            "Aftalen er indgået mellem {{ parties|map(attribute='name')|join_and }}."
        ),
        "dependent_note": (
            "{{ party.name }} er i høj grad afhængig af partnerskabet. Aftalen "
            "beskriver derfor, hvordan partens egen kapacitet styrkes, og hvordan "
            "partnerskabet udfases i god tid."
        ),
        "vision_mission": "Vision og mission",
        "mission": "Mission",
        "bottom_lines": "Bundlinjer",
        "bottom_lines_text": (
            "Partnerskabet skaber værdi på disse bundlinjer: "
            "{{ bottom_lines|map('label')|join_and }}."
        ),
        "goals": "Mål",
        "goals_intro": (
            "Hvert mål har en indikator, som viser, om målet er nået, og en frist."
        ),
        "impact_goals": "Effektmål",
        "impact_intro": "Effektmålene viser, om partnerskabet når sin mission.",
        "relationship_goals": "Relationsmål",
        "relationship_intro": (
            "Relationsmålene beskriver, hvordan parterne passer på samarbejdet, "
            "fx hvor ofte de afstemmer forventninger, og hvordan de taler om det, "
            "der ikke fungerer."
        ),
        "goal": "Mål",
        "indicator": "Indikator",
        "deadline": "Frist",
        "activities": "Aktiviteter og tidsplan",
        "activities_intro": (
            "For hver aktivitet sørger de ansvarlige parter for, at den bliver "
            "gennemført, og holder de øvrige parter orienteret undervejs."
        ),
        "activity": "Aktivitet",
        "description": "Beskrivelse",
        "milestones": "Milepæle",
        "milestones_intro": "Milepælene markerer de vigtigste punkter i tidsplanen.",
        "milestone": "Milepæl",
        "roles": "Roller og ansvar",
        "roles_intro": "Hver part har en klar rolle i partnerskabet:",
        "governance": "Organisering og beslutninger",
        "structure": "Organisering",
        "meetings": "Møder",
        "decisions": "Beslutninger",
        "minutes": "Referater",
        "budget": "Budget",
        "budget_intro": (
            "Budgettet viser parternes bidrag, både kontant og i naturalier som "
            "lokaler, udstyr og arbejdstid."
        ),
        "item": "Post",
        "party": "Part",
        "form": "Form",
        "amount": "Beløb",
        "cash": "Kontant",
        "in_kind": "Naturalier",
        "budget_total": "Budget i alt",
        "party_totals": "Fordeling på parter",
        "total": "I alt",
        "external_funding": "Ekstern finansiering",
        "external_intro": (
            "Parterne har søgt eller vil søge ekstern finansiering som vist "
            "nedenfor. Den ansvarlige part står for ansøgningen og holder de øvrige "
            "parter orienteret."
        ),
        "source": "Kilde",
        "status": "Status",
        "follow_up": "Opfølgning og evaluering",
        "follow_up_intro": (
            "Parterne følger løbende op på både resultaterne og samarbejdet, så "
            "problemer bliver taget op i tide."
        ),
        "frequency": "Hyppighed",
        "methods": "Metoder",
        "evaluation": "Evaluering",
        "review_dates": "Datoer for opfølgning",
        "values_intro": (
            "Parterne har aftalt disse fælles værdier og vender tilbage til dem, "
            "hvis der opstår uenighed:"
        ),
        "communication": "Kommunikation",
        "capacity_building": "Kapacitetsopbygning",
        "capacity_intro": (
            "Parterne styrker hinandens kapacitet, så alle kan stå på egne ben, når "
            "partnerskabet slutter."
        ),
        "capacity_dependent": (
            "Det gælder især {{ dependent_parties|map(attribute='name')|join_and }}, "
            "som i dag i høj grad er afhængig"
            "{% if dependent_parties|length > 1 %}e{% endif %} af partnerskabet."
        ),
        "area": "Område",
        "beneficiary": "Hvem styrkes",
        "measures": "Tiltag",
        "phase_out": "Udfasning",
        "phase_out_intro": (
            "Udfasningen planlægges i god tid, så ingen part står uden støtte, når "
            "partnerskabet slutter."
        ),
        "horizon": "Tidshorisont",
        "plan": "Plan for udfasning",
        "step": "Skridt",
        "notice": (
            "Udfasningen varsles skriftligt mindst "
            "{{ phase_out.notice_months|months }}, før den begynder."
        ),
        "term": "Varighed og fornyelse",
        "term_text": (
            "{% if term.start_date %}Aftalen træder i kraft den "
            "{{ term.start_date|date }}{% if term.end_date %} og gælder til og med "
            "den {{ term.end_date|date }}{% else %} og gælder, indtil den opsiges"
            "{% endif %}.{% elif term.end_date %}Aftalen gælder til og med den "
            "{{ term.end_date|date }}.{% endif %}"
        ),
        "termination": "Uenigheder og opsigelse",
        "disputes_intro": (
            "Opstår der uenighed eller problemer i samarbejdet, tager parterne dem op "
            "hurtigt og åbent med de fælles værdier som udgangspunkt."
        ),
        "last_resort": (
            "Opsigelse er sidste udvej. Før en part opsiger aftalen, skal parterne "
            "sammen have forsøgt at finde fælles fodslag igen, fx på et møde om "
            "samarbejdet og de fælles værdier."
        ),
        "notice_period": (
            "Lykkes det ikke, kan hver af parterne opsige aftalen skriftligt med et "
            "varsel på {{ termination.notice_period }}."
        ),
        "signatures_intro": (
            "Med deres underskrift bekræfter parterne aftalen og forpligter sig til "
            "at arbejde efter den."
        ),
    },
    "en": {
        "kicker": "Partnership agreement",
        "intro": (
            "This agreement sets out what the parties will create together, what "
            "each party contributes and expects, and how the cooperation is run, "
            "reviewed and brought to an end."
        ),
        "between": (
            "This agreement is made between "
            "{{ parties|map(attribute='name')|join_and }}."
        ),
        "dependent_note": (
            "{{ party.name }} depends heavily on the partnership. This agreement "
            "therefore sets out how the party's own capacity is strengthened and "
            "how the partnership is phased out in good time."
        ),
        "vision_mission": "Vision and mission",
        "mission": "Mission",
        "bottom_lines": "Bottom lines",
        "bottom_lines_text": (
            "The partnership creates value on these bottom lines: "
            "{{ bottom_lines|map('label')|join_and }}."
        ),
        "goals": "Goals",
        "goals_intro": (
            "Each goal has an indicator that shows whether it has been reached, and "
            "a deadline."
        ),
        "impact_goals": "Impact goals",
        "impact_intro": (
            "The impact goals show whether the partnership achieves its mission."
        ),
        "relationship_goals": "Relationship goals",
        "relationship_intro": (
            "The relationship goals describe how the partners look after their "
            "cooperation, for example how often they align expectations and how "
            "they talk about what is not working."
        ),
        "goal": "Goal",
        "indicator": "Indicator",
        "deadline": "Deadline",
        "activities": "Activities and timeline",
        "activities_intro": (
            "For each activity, the responsible parties make sure it is carried out "
            "and keep the other partners informed along the way."
        ),
        "activity": "Activity",
        "description": "Description",
        "milestones": "Milestones",
        "milestones_intro": "The milestones mark the key points in the timeline.",
        "milestone": "Milestone",
        "roles": "Roles and responsibilities",
        "roles_intro": "Each party has a clear role in the partnership:",
        "governance": "Governance and decision-making",
        "structure": "Structure",
        "meetings": "Meetings",
        "decisions": "Decisions",
        "minutes": "Minutes",
        "budget": "Budget",
        "budget_intro": (
            "The budget shows each party's contribution, both in cash and in kind, "
            "such as rooms, equipment and staff time."
        ),
        "item": "Item",
        "party": "Party",
        "form": "Type",
        "amount": "Amount",
        "cash": "Cash",
        "in_kind": "In kind",
        "budget_total": "Total budget",
        "party_totals": "Contributions by party",
        "total": "Total",
        "external_funding": "External funding",
        "external_intro": (
            "The partners have applied or will apply for external funding as shown "
            "below. The responsible party handles the application and keeps the "
            "other partners informed."
        ),
        "source": "Source",
        "status": "Status",
        "follow_up": "Follow-up and evaluation",
        "follow_up_intro": (
            "The partners regularly review both the results and the cooperation "
            "itself, so that problems are raised in good time."
        ),
        "frequency": "Frequency",
        "methods": "Methods",
        "evaluation": "Evaluation",
        "review_dates": "Review dates",
        "values_intro": (
            "The partners have agreed on these shared values and will return to "
            "them if disagreements arise:"
        ),
        "communication": "Communication",
        "capacity_building": "Capacity building",
        "capacity_intro": (
            "The partners strengthen each other's capacity so that every partner can "
            "stand on its own feet when the partnership ends."
        ),
        "capacity_dependent": (
            "This applies in particular to "
            "{{ dependent_parties|map(attribute='name')|join_and }}, which currently "
            "depend{% if dependent_parties|length == 1 %}s{% endif %} heavily on the "
            "partnership."
        ),
        "area": "Area",
        "beneficiary": "Whose capacity",
        "measures": "Measures",
        "phase_out": "Phase-out",
        "phase_out_intro": (
            "The phase-out is planned well in advance so that no party is left "
            "without support when the partnership ends."
        ),
        "horizon": "Time horizon",
        "plan": "Phase-out plan",
        "step": "Step",
        "notice": (
            "Written notice of the phase-out is given at least "
            "{{ phase_out.notice_months|months }} before it begins."
        ),
        "term": "Term and renewal",
        "term_text": (
            "{% if term.start_date %}This agreement takes effect on "
            "{{ term.start_date|date }}{% if term.end_date %} and remains in force "
            "until {{ term.end_date|date }} inclusive{% else %} and remains in force "
            "until it is terminated{% endif %}.{% elif term.end_date %}This "
            "agreement remains in force until {{ term.end_date|date }} inclusive."
            "{% endif %}"
        ),
        "termination": "Disputes and termination",
        "disputes_intro": (
            "If disagreements or problems arise in the cooperation, the partners "
            "raise them early and openly, taking the shared values as their "
            "starting point."
        ),
        "last_resort": (
            "Termination is the last resort. Before a party terminates this "
            "agreement, the partners must first have tried together to find common "
            "ground again, for example at a meeting about the cooperation and the "
            "shared values."
        ),
        "notice_period": (
            "If this does not succeed, each party may terminate the agreement in "
            "writing with a notice period of {{ termination.notice_period }}."
        ),
        "signatures_intro": (
            "By signing, the parties confirm this agreement and commit to working "
            "by it."
        ),
    },
}

UNDERSTANDING = {
    "da": {
        "kicker": "Forståelsespapir",
        "not_binding": (
            "Dette forståelsespapir er ikke juridisk bindende. Det beskriver "
            "parternes fælles hensigter og er grundlaget for den videre dialog, som "
            "kan føre til en egentlig samarbejdsaftale."
        ),
        "binding": (
            "Parterne er enige om, at dette forståelsespapir er juridisk bindende "
            "for dem, indtil en egentlig samarbejdsaftale afløser det."
        ),
        "between": (
            "Forståelsespapiret er udarbejdet i fællesskab af "
            "{{ parties|map(attribute='name')|join_and }}."
        ),
        "purpose": "Formål",
        "areas": "Samarbejdsområder",
        "areas_intro": (
            "Parterne vil undersøge og udvikle samarbejdet på disse områder:"
        ),
        "values_intro": "Samarbejdet bygger på disse fælles værdier:",
        "next_steps": "Næste skridt",
        "next_steps_intro": "Parterne har aftalt disse næste skridt:",
        "step": "Skridt",
        "term": "Varighed",
        "term_text": (
            "{% if term.start_date %}Forståelsespapiret gælder fra den "
            "{{ term.start_date|date }}{% if term.end_date %} til og med den "
            "{{ term.end_date|date }}{% else %}, indtil parterne aftaler andet"
            "{% endif %}.{% elif term.end_date %}Forståelsespapiret gælder til og "
            "med den {{ term.end_date|date }}.{% endif %}"
        ),
        "signatures_not_binding": (
            "Med deres underskrift bekræfter parterne de fælles hensigter i dette "
            "forståelsespapir. Underskrifterne forpligter ikke parterne juridisk."
        ),
        "signatures_binding": (
            "Med deres underskrift bekræfter parterne forståelsespapiret og "
            "forpligter sig til at følge det."
        ),
    },
    "en": {
        "kicker": "Memorandum of understanding",
        "not_binding": (
            "This memorandum of understanding is not legally binding. It records "
            "the partners' shared intentions and is the basis for further talks, "
            "which may lead to a formal cooperation agreement."
        ),
        "binding": (
            "The parties agree that this memorandum of understanding is legally "
            "binding on them until a formal cooperation agreement replaces it."
        ),
        "between": (
            "This memorandum has been drawn up jointly by "
            "{{ parties|map(attribute='name')|join_and }}."
        ),
        "purpose": "Purpose",
        "areas": "Areas of cooperation",
        "areas_intro": (
            "The partners will explore and develop their cooperation in these areas:"
        ),
        "values_intro": "The cooperation rests on these shared values:",
        "next_steps": "Next steps",
        "next_steps_intro": "The partners have agreed on these next steps:",
        "step": "Step",
        "term": "Term",
        "term_text": (
            "{% if term.start_date %}This memorandum applies from "
            "{{ term.start_date|date }}{% if term.end_date %} until "
            "{{ term.end_date|date }} inclusive{% else %} until the partners agree "
            "otherwise{% endif %}.{% elif term.end_date %}This memorandum applies "
            "until {{ term.end_date|date }} inclusive.{% endif %}"
        ),
        "signatures_not_binding": (
            "By signing, the parties confirm the shared intentions set out in this "
            "memorandum of understanding. Signing it creates no legal obligations."
        ),
        "signatures_binding": (
            "By signing, the parties confirm this memorandum of understanding and "
            "commit to following it."
        ),
    },
}

LETTER = {
    "da": {
        "attention": "Att.:",
        "salutation": (
            "Kære {% if recipient.person.name %}{{ recipient.person.name }}"
            "{% else %}{{ recipient.organisation }}{% endif %}"
        ),
        "idea": (
            "Vi har en idé til et samarbejde, som vi meget gerne vil udvikle sammen "
            "med jer. {{ idea }}"
        ),
        "shape_together": (
            "Idéen er kun skitseret endnu, og det er med vilje: Vi vil gerne forme "
            "den sammen med jer, så den også bygger på jeres erfaringer og ønsker."
        ),
        "why_you": (
            "Vi henvender os netop til jer, fordi vi tror, at vores styrker "
            "supplerer hinanden. {{ why_you }}"
        ),
        "offer": "Vi kan blandt andet bidrage med:",
        "meeting": (
            "Vi vil gerne invitere jer til et første, uforpligtende møde på "
            "{{ meeting.duration_minutes }} minutter, hvor vi kan fortælle mere om "
            "idéen og høre jeres tanker."
        ),
        "meeting_short": (
            "Vi vil gerne invitere jer til et kort, uforpligtende møde, hvor vi kan "
            "fortælle mere om idéen og høre jeres tanker."
        ),
        "proposals": "Vi foreslår et af disse tidspunkter:",
        "other_time": (
            "Passer ingen af dem, finder vi gerne et andet tidspunkt sammen med jer."
        ),
        "location": "Sted: {{ meeting.location }}",
        "online": "Mødet kan også holdes online, hvis det passer jer bedre.",
        "attachments": "Vedlagt finder I mere om os:",
        "links": "I kan også læse mere om os på {{ links|join_and }}.",
        "looking_forward": "Vi glæder os til at høre fra jer.",
        "closing": "Med venlig hilsen",
    },
    "en": {
        "attention": "Attn:",
        "salutation": (
            "Dear {% if recipient.person.name %}{{ recipient.person.name }}"
            "{% else %}colleagues at {{ recipient.organisation }}{% endif %},"
        ),
        "idea": (
            "We have an idea for a collaboration that we would very much like to "
            "develop together with you. {{ idea }}"
        ),
        "shape_together": (
            "The idea is only an outline so far, and that is deliberate: we would "
            "like to shape it together with you, so that it also builds on your "
            "experience and wishes."
        ),
        "why_you": (
            "We are writing to you in particular because we believe our strengths "
            "complement each other. {{ why_you }}"
        ),
        "offer": "Among other things, we can offer:",
        "meeting": (
            "We would like to invite you to a first, informal meeting of "
            "{{ meeting.duration_minutes }} minutes, where we can tell you more "
            "about the idea and hear your thoughts."
        ),
        "meeting_short": (
            "We would like to invite you to a short, informal meeting, where we can "
            "tell you more about the idea and hear your thoughts."
        ),
        "proposals": "We suggest one of these times:",
        "other_time": "If none of them suits you, we will gladly find another time.",
        "location": "Place: {{ meeting.location }}",
        "online": "We are also happy to meet online if that suits you better.",
        "attachments": "Enclosed you will find more about us:",
        "links": "You can also read more about us at {{ links|join_and }}.",
        "looking_forward": "We look forward to hearing from you.",
        "closing": "Kind regards,",
    },
}

#: Names of the project's own styles, as Word shows them, per language.
STYLE_NAMES = {
    "da": {
        "Kicker": "Dokumenttype",
        "Label": "Mellemrubrik",
        "Notice": "Fremhævet note",
        "TableText": "Tabeltekst",
        "TableAmount": "Tabelbeløb",
        "SignatureLine": "Underskriftslinje",
        "SignatureField": "Udfyldt felt over linje",
        "Letterhead": "Brevhoved",
        "LetterheadDetails": "Brevhoved detaljer",
        "Recipient": "Modtager",
        "LetterDate": "Brevdato",
        "Subject": "Emne",
        "Closing": "Hilsen",
        "Small": "Lille tekst",
        "Table": "Tabel med overskrift",
    },
    "en": {
        "Kicker": "Document type",
        "Label": "Run-in heading",
        "Notice": "Notice",
        "TableText": "Table text",
        "TableAmount": "Table amount",
        "SignatureLine": "Signature line",
        "SignatureField": "Filled-in field above line",
        "Letterhead": "Letterhead",
        "LetterheadDetails": "Letterhead details",
        "Recipient": "Recipient",
        "LetterDate": "Letter date",
        "Subject": "Subject",
        "Closing": "Closing",
        "Small": "Small text",
        "Table": "Table with header",
    },
}


def check_languages_match() -> None:
    """Fail early when a text key exists in one language and not the other."""
    for name, texts in {
        "COMMON": COMMON,
        "AGREEMENT": AGREEMENT,
        "UNDERSTANDING": UNDERSTANDING,
        "LETTER": LETTER,
        "STYLE_NAMES": STYLE_NAMES,
    }.items():
        if set(texts["da"]) != set(texts["en"]):
            difference = set(texts["da"]) ^ set(texts["en"])
            raise SystemExit(f"{name}: keys differ between languages: {difference}")


# ============================================================== shared helpers


@dataclass(frozen=True)
class Column:
    """One column of a data table: header, width in twips and the cell's text."""

    header: str
    width: int
    value: str
    amount: bool = False
    bold: bool = False


#: Schema order of the children Word insists on (CT_PPr, CT_TblPr).
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
    "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange"
).split()
TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
    "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
    "tblCaption tblDescription"
).split()


def _put(parent, xml: str, order: Sequence[str]):
    """Insert the element ``xml`` (replacing one of its kind) in schema order."""
    element = _with_ns(xml)
    existing = parent.find(element.tag)
    if existing is not None:
        parent.replace(existing, element)
        return element
    name = element.tag.split("}")[1]
    successors = order[order.index(name) + 1 :]
    for child in parent:
        if child.tag.split("}")[1] in successors:
            child.addprevious(element)
            return element
    parent.append(element)
    return element


def _with_ns(xml: str):
    """Parse one w: element written without its namespace declaration."""
    head = xml.split(">", 1)[0]
    cut = head.index(" ") if " " in head else len(head) - head.endswith("/")
    return parse_xml(f"{xml[:cut]} {nsdecls('w')}{xml[cut:]}")


def _set_attrs(element, **attributes: str) -> None:
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)


def _child(parent, tag: str, **attributes: str):
    """Return ``parent``'s first ``tag`` child, created (in schema order) if absent."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    _set_attrs(element, **attributes)
    return element


class Template:
    """A Word document being built into a docxtpl template, in one language."""

    def __init__(self, language: str, *, title_property: str, subject: str) -> None:
        self.language = language
        self.words = COMMON[language]
        self.document = Document()
        self.style_names = STYLE_NAMES[language]
        self._set_up_page()
        self._set_up_styles()
        self._set_up_numbering()
        self._set_up_properties(title_property, subject)
        self.body = self.document.element.body
        # The default template starts with one empty paragraph; drop it.
        for paragraph in list(self.document.paragraphs):
            paragraph._element.getparent().remove(paragraph._element)

    # ---------------------------------------------------------------- set-up
    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Twips(MARGIN))
        section.header_distance = section.footer_distance = Twips(709)

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        root = styles.element
        # Fonts: Arial everywhere, no theme fonts (they would win over Arial).
        for fonts in root.iter(qn("w:rFonts")):
            for attribute in list(fonts.attrib):
                if attribute.endswith("Theme") or attribute.endswith("theme"):
                    del fonts.attrib[attribute]
        defaults = root.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_attrs(
            run_defaults.find(qn("w:rFonts")),
            ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT,
        )  # fmt: skip
        for size in ("w:sz", "w:szCs"):
            _child(run_defaults, size, val=str(int(BODY_SIZE * 2)))
        language = LOCALE_TAGS[self.language]
        _set_attrs(run_defaults.find(qn("w:lang")), val=language, eastAsia=language)
        paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _set_attrs(
            paragraph_defaults.find(qn("w:spacing")),
            after="120", line="264", lineRule="auto",
        )  # fmt: skip

        self._paragraph_style("Normal", space_after=6)
        self._paragraph_style(
            "Title", size=22, bold=True, color=ACCENT, space_before=0,
            space_after=10, keep_with_next=True,
        )  # fmt: skip
        title = styles["Title"].element.get_or_add_pPr()
        for border in title.findall(qn("w:pBdr")):
            title.remove(border)
        self._paragraph_style(
            "Heading 1", size=13, bold=True, color=ACCENT, space_before=16,
            space_after=6, keep_with_next=True,
        )  # fmt: skip
        self._paragraph_style(
            "Heading 2", size=11, bold=True, color=ACCENT, space_before=10,
            space_after=4, keep_with_next=True,
        )  # fmt: skip
        for name in ("Heading 1", "Heading 2"):
            # No italics or theme colours left over from the default template.
            run = styles[name].element.get_or_add_rPr()
            for tag in ("w:i", "w:iCs"):
                for element in run.findall(qn(tag)):
                    run.remove(element)
        self._paragraph_style("List Bullet", space_after=6)
        self._paragraph_style("List Number", space_after=6)
        self._paragraph_style("Header", size=8.5, color=MUTED, space_after=0)
        self._paragraph_style("Footer", size=8.5, color=MUTED, space_after=0)
        for name in ("Header", "Footer"):
            # The default template's tab stops are for US Letter; ours are set below.
            properties = styles[name].element.get_or_add_pPr()
            for tabs in properties.findall(qn("w:tabs")):
                properties.remove(tabs)

        self._new_style(
            "Kicker", size=9, bold=True, color=ACCENT, space_after=2, caps=True,
            keep_with_next=True,
        )  # fmt: skip
        self._new_style("Label", bold=True, space_before=6, space_after=2,
                        keep_with_next=True)  # fmt: skip
        self._new_style("Notice", space_before=10, space_after=14)
        self._new_style("TableText", size=9.5, space_after=0, line=1.0)
        self._new_style("TableAmount", base="TableText", align="right")
        self._new_style("SignatureLine", base="TableText", space_before=34)
        self._new_style("SignatureField", base="TableText", space_before=16)
        self._new_style("Letterhead", size=15, bold=True, color=ACCENT,
                        space_after=0)  # fmt: skip
        self._new_style("LetterheadDetails", size=8.5, color=MUTED, space_after=28)
        self._new_style("Recipient", space_after=0)
        self._new_style("LetterDate", align="right", space_before=12, space_after=12)
        self._new_style("Subject", bold=True, space_after=12, keep_with_next=True)
        # Room for a handwritten signature between the closing and the name.
        self._new_style("Closing", space_after=30, keep_with_next=True)
        self._new_style("Small", size=8.5, color=MUTED, space_after=0)

        # A shaded box with an accent bar on the left; borders in the fill colour
        # pad the text on the other three sides.
        notice = styles[self.style_names["Notice"]].element.get_or_add_pPr()
        pad = f'w:val="single" w:sz="4" w:color="{NOTICE_FILL}"'
        _put(notice, (
            f'<w:pBdr><w:top {pad} w:space="4"/>'
            f'<w:left w:val="single" w:sz="24" w:space="8" w:color="{ACCENT}"/>'
            f'<w:bottom {pad} w:space="4"/><w:right {pad} w:space="8"/></w:pBdr>'
        ), PPR_ORDER)  # fmt: skip
        _put(notice, f'<w:shd w:val="clear" w:color="auto" w:fill="{NOTICE_FILL}"/>',
             PPR_ORDER)  # fmt: skip
        _put(notice, '<w:ind w:left="198" w:right="170"/>', PPR_ORDER)
        # A line to sign on, the signer's name below it; a line with the place and
        # date written on it.
        for key, side in (("SignatureLine", "top"), ("SignatureField", "bottom")):
            line = styles[self.style_names[key]].element.get_or_add_pPr()
            _put(line, (
                f'<w:pBdr><w:{side} w:val="single" w:sz="6" w:space="2" '
                'w:color="000000"/></w:pBdr>'
            ), PPR_ORDER)  # fmt: skip
        self._add_table_style()

    def _style_name(self, key: str) -> str:
        return self.style_names.get(key, key)

    def _paragraph_style(
        self,
        name: str,
        *,
        size: float | None = None,
        bold: bool | None = None,
        color: str | None = None,
        caps: bool = False,
        space_before: float | None = None,
        space_after: float | None = None,
        line: float | None = None,
        keep_with_next: bool | None = None,
        align: str | None = None,
    ) -> None:
        style = self.document.styles[self._style_name(name)]
        font = style.font
        font.name = FONT
        if size is not None:
            font.size = Pt(size)
        if bold is not None:
            font.bold = bold
        if caps:
            font.all_caps = True
        run_properties = style.element.get_or_add_rPr()
        for old in run_properties.findall(qn("w:color")):
            run_properties.remove(old)
        if color is not None:
            font.color.rgb = RGBColor.from_string(color)
        paragraph = style.paragraph_format
        if space_before is not None:
            paragraph.space_before = Pt(space_before)
        if space_after is not None:
            paragraph.space_after = Pt(space_after)
        if line is not None:
            paragraph.line_spacing = line
        if keep_with_next is not None:
            paragraph.keep_with_next = keep_with_next
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def _new_style(self, key: str, *, base: str = "Normal", **look) -> None:
        style = self.document.styles.add_style(
            self.style_names[key], WD_STYLE_TYPE.PARAGRAPH
        )
        style.element.set(qn("w:styleId"), key)
        style.base_style = self.document.styles[self._style_name(base)]
        style.quick_style = True
        self._paragraph_style(key, **look)

    def _add_table_style(self) -> None:
        border = f'w:val="single" w:sz="4" w:space="0" w:color="{RULE}"'
        self.document.styles.element.append(
            parse_xml(f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="PartnerTable">
  <w:name w:val="{self.style_names["Table"]}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>
      <w:insideH {border}/><w:insideV {border}/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="lastRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:tcBorders>
      <w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/>
    </w:tcBorders></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="firstCol">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{LABEL_FILL}"/></w:tcPr>
  </w:tblStylePr>
</w:style>""")
        )

    def _set_up_numbering(self) -> None:
        """Replace the default numbering with three lists linked to styles."""
        numbering = self.document.part.numbering_part.element
        for child in list(numbering):
            numbering.remove(child)
        indent = 567
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{HEADING_NUM}">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>
</w:abstractNum>""")
        )
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{BULLET_NUM}">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
    <w:pStyle w:val="ListBullet"/><w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>
    <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>
</w:abstractNum>""")
        )
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUMBER_NUM}">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="ListNumber"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr></w:lvl>
</w:abstractNum>""")
        )
        for number in (HEADING_NUM, BULLET_NUM, NUMBER_NUM):
            numbering.append(parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{number}">'
                f'<w:abstractNumId w:val="{number}"/></w:num>'
            ))  # fmt: skip
        linked = {
            "Heading1": (HEADING_NUM, 0),
            "Heading2": (HEADING_NUM, 1),
            "ListBullet": (BULLET_NUM, 0),
            "ListNumber": (NUMBER_NUM, 0),
        }
        for style in self.document.styles.element.findall(qn("w:style")):
            properties = style.find(qn("w:pPr"))
            old = None if properties is None else properties.find(qn("w:numPr"))
            if old is not None:
                properties.remove(old)
            style_id = style.get(qn("w:styleId"))
            if style_id in linked:
                number, level = linked[style_id]
                level_xml = f'<w:ilvl w:val="{level}"/>' if level else ""
                _put(style.get_or_add_pPr(), (
                    f'<w:numPr>{level_xml}<w:numId w:val="{number}"/></w:numPr>'
                ), PPR_ORDER)  # fmt: skip

    def _set_up_properties(self, title: str, subject: str) -> None:
        properties = self.document.core_properties
        properties.title = title
        properties.subject = subject
        properties.author = ""
        properties.comments = ""
        properties.keywords = ""
        properties.category = ""
        properties.last_modified_by = ""
        properties.language = LOCALE_TAGS[self.language]
        properties.revision = 1
        properties.created = properties.modified = dt.datetime(*BUILD_TIMESTAMP)

    # ---------------------------------------------------------------- paragraphs
    def paragraph(
        self,
        text: str = "",
        style: str | None = None,
        *,
        keep_with_next: bool = False,
        after_table: bool = False,
    ) -> Paragraph:
        """Add a paragraph whose text (tags included) is one run.

        ``keep_with_next`` keeps an introduction on the page of what follows;
        ``after_table`` adds the space a table cannot give below itself.
        """
        paragraph = self.document.add_paragraph(style=self._style(style))
        if text:
            paragraph.add_run(text)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if after_table:
            paragraph.paragraph_format.space_before = Pt(9)
        return paragraph

    def _style(self, key: str | None):
        if key is None:
            return None
        return self.document.styles[self._style_name(key)]

    def labelled(self, label: str, value: str, condition: str) -> None:
        """A paragraph "Label: value", shown only when ``condition`` holds."""
        with self.when(condition):
            paragraph = self.paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)

    def tag(self, statement: str) -> None:
        """A paragraph holding only ``{%p statement %}``; docxtpl removes it."""
        self.paragraph(f"{{%p {statement} %}}")

    @contextmanager
    def when(self, condition: str) -> Iterator[None]:
        """Everything added inside appears only when ``condition`` holds."""
        self.tag(f"if {condition}")
        yield
        self.tag("endif")

    @contextmanager
    def each(self, loop: str) -> Iterator[None]:
        """Everything added inside is repeated: ``loop`` is "item in items"."""
        self.tag(f"for {loop}")
        yield
        self.tag("endfor")

    def heading(self, text: str, level: int = 1) -> None:
        """A numbered heading (the numbering comes from the heading style)."""
        self.paragraph(text, f"Heading {level}")

    def bullets(self, items: str, item: str = "item", text: str = "{{ item }}") -> None:
        """A bulleted list with one bullet per element of ``items``."""
        with self.each(f"{item} in {items}"):
            self.paragraph(text, "List Bullet")

    # ---------------------------------------------------------------- tables
    def _table(self, widths: Sequence[int], rows: int) -> Table:
        table = self.document.add_table(rows=rows, cols=len(widths))
        table.style = self.document.styles[self.style_names["Table"]]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        properties = table._tbl.tblPr
        _put(properties, f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>', TBLPR_ORDER)
        _put(properties, '<w:tblLayout w:type="fixed"/>', TBLPR_ORDER)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Twips(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Twips(width)
            self._cant_split(row)
        return table

    @staticmethod
    def _cant_split(row) -> None:
        _child(row._tr.get_or_add_trPr(), "w:cantSplit")

    @staticmethod
    def _look(table: Table, *, first_row: bool, last_row: bool, first_column: bool):
        look = _put(table._tbl.tblPr, "<w:tblLook/>", TBLPR_ORDER)
        flags = {
            "firstRow": first_row, "lastRow": last_row, "firstColumn": first_column,
            "lastColumn": False, "noHBand": True, "noVBand": True,
        }  # fmt: skip
        bits = (0x20 * first_row) | (0x40 * last_row) | (0x80 * first_column)
        bits |= 0x200 | 0x400
        look.set(qn("w:val"), f"{bits:04X}")
        for name, on in flags.items():
            look.set(qn(f"w:{name}"), "1" if on else "0")

    def _fill_cell(self, cell, text: str, *, style: str = "TableText", bold=False):
        paragraph = cell.paragraphs[0]
        paragraph.style = self._style(style)
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        return paragraph

    def _tag_row(self, table: Table, statement: str) -> None:
        row = table.add_row()
        self._fill_cell(row.cells[0], f"{{%tr {statement} %}}")

    def data_table(
        self,
        columns: Sequence[Column],
        loop: str,
        totals: Sequence[Sequence[str | None]] = (),
    ) -> None:
        """A table with a repeated header row, one row per element of ``loop``
        and optional total rows (``None`` joins a cell to the one on its left)."""
        widths = [column.width for column in columns]
        table = self._table(widths, rows=1)
        header = table.rows[0]
        _child(header._tr.get_or_add_trPr(), "w:tblHeader")
        for cell, column in zip(header.cells, columns, strict=True):
            style = "TableAmount" if column.amount else "TableText"
            self._fill_cell(cell, column.header, style=style)
            # Never leave the header row alone at the foot of a page.
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        self._tag_row(table, f"for {loop}")
        row = table.add_row()
        for cell, column in zip(row.cells, columns, strict=True):
            style = "TableAmount" if column.amount else "TableText"
            paragraph = self._fill_cell(
                cell, column.value, style=style, bold=column.bold
            )
            # A table with totals stays whole (up to a page): lines and sums
            # read together.
            paragraph.paragraph_format.keep_with_next = bool(totals) or None
        self._tag_row(table, "endfor")
        for total in totals:
            row = table.add_row()
            for index, (cell, text) in enumerate(zip(row.cells, total, strict=True)):
                if text is None:
                    continue
                span_end = index
                while span_end + 1 < len(total) and total[span_end + 1] is None:
                    span_end += 1
                if span_end > index:
                    cell = cell.merge(row.cells[span_end])
                style = "TableAmount" if columns[span_end].amount else "TableText"
                self._fill_cell(cell, text, style=style)
        for row in table.rows:
            self._cant_split(row)
        self._look(table, first_row=True, last_row=bool(totals), first_column=False)

    def key_value_table(self, rows: Sequence[tuple[str, Sequence[str], str | None]]):
        """A two-column table of labels and values; a row with a condition is
        shown only when it holds, and the table only when some row is shown.

        Each row is (label, value paragraphs, condition). A value paragraph may be
        "IF condition::text" to appear only when the condition holds.
        """
        conditions = [condition for _, _, condition in rows]
        table_condition = (
            None if None in conditions else " or ".join(str(c) for c in conditions)
        )
        if table_condition:
            self.tag(f"if {table_condition}")
        table = self._table([2400, TEXT_WIDTH - 2400], rows=0)
        for label, values, condition in rows:
            if condition:
                self._tag_row(table, f"if {condition}")
            row = table.add_row()
            self._fill_cell(row.cells[0], label)
            cell = row.cells[1]
            for index, value in enumerate(values):
                if value.startswith("IF "):
                    value_condition, value = value[3:].split("::", 1)
                    cell.add_paragraph(f"{{%p if {value_condition} %}}")
                    cell.add_paragraph(value, style=self._style("TableText"))
                    cell.add_paragraph("{%p endif %}")
                elif index == 0:
                    self._fill_cell(cell, value)
                else:
                    cell.add_paragraph(value, style=self._style("TableText"))
            if condition:
                self._tag_row(table, "endif")
        for row in table.rows:
            self._cant_split(row)
        self._look(table, first_row=False, last_row=False, first_column=True)
        if table_condition:
            self.tag("endif")

    def signature_table(self) -> None:
        """One column per party (``{%tc for %}``), rows kept on one page."""
        words = self.words
        # Three template columns: loop start, the party's cell, loop end. docxtpl
        # repeats the middle cell and fix_tables spreads the page width over them.
        width = TEXT_WIDTH // 3
        table = self._table([width] * 3, rows=3)
        for row in table.rows:
            for cell in row.cells:
                tc_pr = cell._tc.get_or_add_tcPr()
                for width_element in tc_pr.findall(qn("w:tcW")):
                    tc_pr.remove(width_element)
        place_and_date = (
            "{% if signing.place or signing.date %}{{ signing.place }}"
            "{% if signing.place and signing.date %}, {% endif %}"
            "{{ signing.date|date|replace(' ', '\\u00a0') }}{% endif %}"
        )
        contents = [
            [(words["sign_for"], "TableText", True)],
            [
                (place_and_date, "SignatureField", False),
                (words["place_and_date"], "TableText", False),
            ],
            [
                (
                    "{% if party.representative.name %}"
                    "{{ party.representative.name }}{% else %}"
                    f"{words['name_and_title']}{{% endif %}}",
                    "SignatureLine",
                    False,
                ),
            ],
        ]
        for row, paragraphs in zip(table.rows, contents, strict=True):
            self._fill_cell(row.cells[0], "{%tc for party in parties %}")
            self._fill_cell(row.cells[2], "{%tc endfor %}")
            cell = row.cells[1]
            for index, (text, style, bold) in enumerate(paragraphs):
                if index == 0:
                    paragraph = self._fill_cell(cell, text, style=style, bold=bold)
                else:
                    paragraph = cell.add_paragraph(style=self._style(style))
                    paragraph.add_run(text).bold = bold
            if row is not table.rows[-1]:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        title_cell = table.rows[2].cells[1]
        title_cell.add_paragraph("{%p if party.representative.title %}")
        title_cell.add_paragraph(
            "{{ party.representative.title }}", style=self._style("TableText")
        )
        title_cell.add_paragraph("{%p endif %}")
        properties = table._tbl.tblPr
        _put(properties, (
            '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
            '<w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/>'
            '<w:insideV w:val="nil"/></w:tblBorders>'
        ), TBLPR_ORDER)  # fmt: skip
        _put(properties, (
            '<w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="340" w:type="dxa"/></w:tblCellMar>'
        ), TBLPR_ORDER)  # fmt: skip
        self._look(table, first_row=False, last_row=False, first_column=False)

    def closing_paragraph(self) -> None:
        """Word needs a paragraph after a final table; keep it tiny."""
        paragraph = self.paragraph(style="Small")
        paragraph.paragraph_format.space_before = Pt(0)

    # ---------------------------------------------------------------- header/footer
    def header_and_footer(self, header_text: str, right_text: str) -> None:
        """Running header (title, reference) from page 2; page X of Y on every page."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.style = self._style("Header")
        header.paragraph_format.tab_stops.add_tab_stop(
            Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT
        )
        header.add_run(header_text)
        header.add_run("\t")
        header.add_run(right_text)
        _put(header._p.get_or_add_pPr(), (
            f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" '
            f'w:color="{RULE}"/></w:pBdr>'
        ), PPR_ORDER)  # fmt: skip
        for footer in (section.footer, section.first_page_footer):
            paragraph = footer.paragraphs[0]
            paragraph.style = self._style("Footer")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(f"{self.words['page']} ")
            self._field(paragraph, "PAGE")
            paragraph.add_run(f" {self.words['page_of']} ")
            self._field(paragraph, "NUMPAGES")
        first_header = section.first_page_header.paragraphs[0]
        first_header.style = self._style("Header")

    @staticmethod
    def _field(paragraph: Paragraph, instruction: str) -> None:
        for xml in (
            '<w:fldChar w:fldCharType="begin"/>',
            f'<w:instrText xml:space="preserve"> {instruction} </w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
        ):
            paragraph.add_run()._r.append(_with_ns(xml))

    # ---------------------------------------------------------------- saving
    def save(self, path: Path) -> None:
        """Write the template with fixed zip timestamps and no thumbnail."""
        package = self.document.part.package
        for key, relationship in list(package.rels.items()):
            if relationship.reltype == RT.THUMBNAIL:
                package.rels.pop(key)
        buffer = io.BytesIO()
        self.document.save(buffer)
        buffer.seek(0)
        output = io.BytesIO()
        with (
            zipfile.ZipFile(buffer) as source,
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=BUILD_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(item.filename))
        path.write_bytes(output.getvalue())


def period(start: str, end: str, words: dict[str, str], *, wrap: bool = False) -> str:
    """Jinja text for a period: "1. februar 2026 – 15. marts 2026", or one end.

    ``wrap`` breaks the line after the dash (for narrow table columns; docxtpl
    turns the rendered newline into a Word line break).
    """
    dash = " –{{ '\\n' }}" if wrap else " – "
    return (
        f"{{% if {start} and {end} %}}{{{{ {start}|date }}}}{dash}{{{{ {end}|date }}}}"
        f"{{% elif {start} %}}{words['from']} {{{{ {start}|date }}}}"
        f"{{% elif {end} %}}{words['until']} {{{{ {end}|date }}}}{{% endif %}}"
    )


def person(path: str) -> list[str]:
    """Value paragraphs for a person: "name, title" and "e-mail · phone"."""
    return [
        f"{{{{ [{path}.name, {path}.title]|select|join(', ') }}}}",
        f"IF {path}.email or {path}.phone::"
        f"{{{{ [{path}.email, {path}.phone]|select|join(' · ') }}}}",
    ]


# ============================================================== shared sections


def title_block(t: Template, kicker: str) -> None:
    """Document type, title and the key facts: reference, type, parties, period."""
    w = t.words
    t.paragraph(kicker, "Kicker")
    t.paragraph("{{ title }}", "Title")
    t.key_value_table([
        (w["reference"], ["{{ reference }}"], "reference"),
        (w["partnership_type"], ["{{ partnership_type|label|capitalize }}"],
         "partnership_type"),
        (w["parties"], ["{{ parties|map(attribute='name')|join_and }}"], None),
        (w["period"], [period("term.start_date", "term.end_date", w)],
         "term.start_date or term.end_date"),
    ])  # fmt: skip


#: A party gets its own subsection only when there is something to say about it.
PARTY_DETAILS = " or ".join(
    f"party.{field}"
    for field in (
        "sector registration_number address country website representative "
        "contact_person contributions expectations dependent"
    ).split()
)


def parties_section(
    t: Template, between: str, dependent_note: str | None = None
) -> None:
    """Who the parties are, then one subsection per party with its facts,
    contributions and expectations."""
    w = t.words
    t.heading(w["parties"])
    t.paragraph(between)
    with t.each("party in parties"), t.when(PARTY_DETAILS):
        t.heading("{{ party.name }}", 2)
        t.key_value_table([
            (w["sector"], ["{{ party.sector|label|capitalize }}"], "party.sector"),
            (w["registration_number"], ["{{ party.registration_number }}"],
             "party.registration_number"),
            (w["address"], ["{{ party.address }}"], "party.address"),
            (w["country"], ["{{ party.country|country }}"], "party.country"),
            (w["website"], ["{{ party.website }}"], "party.website"),
            (w["representative"], person("party.representative"),
             "party.representative"),
            (w["contact_person"], person("party.contact_person"),
             "party.contact_person"),
        ])  # fmt: skip
        with t.when("party.contributions"):
            t.paragraph(w["contributions"], "Label")
            t.bullets("party.contributions", "contribution", "{{ contribution }}")
        with t.when("party.expectations"):
            t.paragraph(w["expectations"], "Label")
            t.paragraph("{{ party.expectations }}")
        if dependent_note:
            with t.when("party.dependent"):
                t.paragraph(dependent_note, "Notice")


def text_section(t: Template, heading: str, field: str) -> None:
    """A heading and one paragraph of free text, shown when the field is given."""
    with t.when(field):
        t.heading(heading)
        t.paragraph(f"{{{{ {field} }}}}")


def values_section(t: Template, intro: str) -> None:
    """The shared values as bullets."""
    with t.when("values"):
        t.heading(t.words["values"])
        t.paragraph(intro, keep_with_next=True)
        t.bullets("values", "value", "{{ value }}")


def signatures_section(t: Template, intro: str) -> None:
    """Signature block: one column per party, kept together on one page."""
    t.heading(t.words["signatures"])
    intro_paragraph = t.paragraph(intro)
    intro_paragraph.paragraph_format.keep_with_next = True
    t.signature_table()
    t.closing_paragraph()


# ============================================================== the agreement


def agreement_parties(t: Template, a: dict[str, str]) -> None:
    """The parties, with a note on each dependent party."""
    parties_section(t, a["between"], dependent_note=a["dependent_note"])


def agreement_background(t: Template, a: dict[str, str]) -> None:
    """Background, vision and mission, bottom lines."""
    text_section(t, t.words["background"], "background")
    with t.when("vision or mission"):
        t.heading(a["vision_mission"])
        with t.when("vision"):
            t.paragraph(t.words["vision"], "Label")
            t.paragraph("{{ vision }}")
        with t.when("mission"):
            t.paragraph(a["mission"], "Label")
            t.paragraph("{{ mission }}")
    with t.when("bottom_lines"):
        t.heading(a["bottom_lines"])
        t.paragraph(a["bottom_lines_text"])


def agreement_goals(t: Template, a: dict[str, str]) -> None:
    """Impact and relationship goals in two tables."""
    columns = [
        Column(a["goal"], 3770, "{{ goal.description }}"),
        Column(a["indicator"], 3200, "{{ goal.indicator }}"),
        Column(a["deadline"], 2100, "{{ goal.deadline|date }}"),
    ]
    with t.when("impact_goals or relationship_goals"):
        t.heading(a["goals"])
        t.paragraph(a["goals_intro"], keep_with_next=True)
        for kind in ("impact", "relationship"):
            with t.when(f"{kind}_goals"):
                t.heading(a[f"{kind}_goals"], 2)
                t.paragraph(a[f"{kind}_intro"], keep_with_next=True)
                t.data_table(columns, f"goal in {kind}_goals")


def agreement_activities(t: Template, a: dict[str, str]) -> None:
    """Activities with responsible parties and periods; milestones."""
    with t.when("activities"):
        t.heading(a["activities"])
        t.paragraph(a["activities_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(a["activity"], 1900, "{{ activity.title }}", bold=True),
                Column(a["description"], 3270, "{{ activity.description }}"),
                Column(
                    t.words["responsible"],
                    1900,
                    "{{ activity.responsible|party_names|join_and }}",
                ),
                Column(
                    t.words["period"],
                    2000,
                    period("activity.start", "activity.end", t.words, wrap=True),
                ),
            ],
            "activity in activities",
        )
    with t.when("milestones"):
        t.heading(a["milestones"])
        t.paragraph(a["milestones_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(t.words["date"], 2300, "{{ milestone.date|date }}"),
                Column(
                    a["milestone"], TEXT_WIDTH - 2300, "{{ milestone.description }}"
                ),
            ],
            "milestone in milestones",
        )


def agreement_roles(t: Template, a: dict[str, str]) -> None:
    """Each party's role and responsibilities."""
    with t.when("roles"):
        t.heading(a["roles"])
        t.paragraph(a["roles_intro"], keep_with_next=True)
        with t.each("role in roles"):
            t.paragraph(
                "{{ role.party|party_name }}{% if role.title %} – {{ role.title }}"
                "{% endif %}",
                "Label",
            )
            t.bullets("role.responsibilities", "responsibility", "{{ responsibility }}")


def agreement_governance(t: Template, a: dict[str, str]) -> None:
    """Steering structure, meetings, decisions and minutes."""
    with t.when("governance"):
        t.heading(a["governance"])
        for label, field in (
            ("structure", "structure"),
            ("meetings", "meeting_frequency"),
            ("decisions", "decision_making"),
            ("minutes", "minutes"),
        ):
            t.labelled(a[label], f"{{{{ governance.{field} }}}}", f"governance.{field}")


def agreement_budget(t: Template, a: dict[str, str]) -> None:
    """Budget lines, totals per party and external funding."""
    with t.when("budget.lines or budget.external_funding"):
        t.heading(a["budget"])
        t.paragraph(a["budget_intro"], keep_with_next=True)
        with t.when("budget.lines"):
            t.data_table(
                [
                    Column(a["item"], 3870, "{{ line.description }}"),
                    Column(a["party"], 2300, "{{ line.party|party_name }}"),
                    Column(
                        a["form"],
                        1300,
                        f"{{% if line.in_kind %}}{a['in_kind']}{{% else %}}"
                        f"{a['cash']}{{% endif %}}",
                    ),
                    Column(a["amount"], 1600, "{{ line.amount|money }}", amount=True),
                ],
                "line in budget.lines",
                totals=[
                    [a["budget_total"], None, None, "{{ budget.totals.total|money }}"]
                ],
            )
            t.heading(a["party_totals"], 2)
            t.data_table(
                [
                    Column(a["party"], 3070, "{{ share.name }}"),
                    Column(a["cash"], 2000, "{{ share.cash|money }}", amount=True),
                    Column(a["in_kind"], 2000, "{{ share.in_kind|money }}",
                           amount=True),
                    Column(a["total"], 2000, "{{ share.total|money }}", amount=True),
                ],
                "share in budget.party_totals",
                totals=[[
                    a["total"],
                    "{{ budget.totals.cash|money }}",
                    "{{ budget.totals.in_kind|money }}",
                    "{{ budget.totals.total|money }}",
                ]],
            )  # fmt: skip
        with t.when("budget.external_funding"):
            t.heading(a["external_funding"], 2)
            t.paragraph(a["external_intro"], keep_with_next=True)
            t.data_table(
                [
                    Column(a["source"], 3270, "{{ funding.source }}"),
                    Column(t.words["responsible"], 2300,
                           "{{ funding.responsible|party_name }}"),
                    Column(a["status"], 1600, "{{ funding.status|label|capitalize }}"),
                    Column(a["amount"], 1900, "{{ funding.amount|money }}",
                           amount=True),
                ],
                "funding in budget.external_funding",
                totals=[[a["total"], None, None, "{{ budget.totals.external|money }}"]],
            )  # fmt: skip


def agreement_follow_up(t: Template, a: dict[str, str]) -> None:
    """How and when progress and the partnership are reviewed."""
    with t.when("follow_up"):
        t.heading(a["follow_up"])
        t.paragraph(a["follow_up_intro"], keep_with_next=True)
        t.labelled(a["frequency"], "{{ follow_up.frequency }}", "follow_up.frequency")
        with t.when("follow_up.methods"):
            t.paragraph(a["methods"], "Label")
            t.bullets("follow_up.methods", "method", "{{ method }}")
        t.labelled(
            a["evaluation"], "{{ follow_up.evaluation }}", "follow_up.evaluation"
        )
        t.labelled(
            a["review_dates"],
            "{{ follow_up.review_dates|map('date')|join_and }}.",
            "follow_up.review_dates",
        )


def agreement_values_and_communication(t: Template, a: dict[str, str]) -> None:
    """Shared values and external communication."""
    values_section(t, a["values_intro"])
    text_section(t, a["communication"], "communication")


def agreement_capacity_building(t: Template, a: dict[str, str]) -> None:
    """Who builds whose capacity in what, and how."""
    with t.when("capacity_building"):
        t.heading(a["capacity_building"])
        t.paragraph(a["capacity_intro"], keep_with_next=True)
        with t.when("dependent_parties"):
            t.paragraph(a["capacity_dependent"], keep_with_next=True)
        t.data_table(
            [
                Column(a["area"], 2000, "{{ item.area }}", bold=True),
                Column(a["beneficiary"], 1900, "{{ item.beneficiary|party_name }}"),
                Column(a["measures"], 3270, "{{ item.measures }}"),
                Column(t.words["responsible"], 1900,
                       "{{ item.responsible|party_name }}"),
            ],
            "item in capacity_building",
        )  # fmt: skip


def agreement_phase_out(t: Template, a: dict[str, str]) -> None:
    """Time horizon, phase-out plan, dated steps and notice."""
    with t.when("phase_out"):
        t.heading(a["phase_out"])
        t.paragraph(a["phase_out_intro"], keep_with_next=True)
        t.labelled(a["horizon"], "{{ phase_out.horizon }}", "phase_out.horizon")
        t.labelled(a["plan"], "{{ phase_out.plan }}", "phase_out.plan")
        with t.when("phase_out.steps"):
            t.data_table(
                [
                    Column(t.words["date"], 2300, "{{ step.date|date }}"),
                    Column(a["step"], TEXT_WIDTH - 2300, "{{ step.description }}"),
                ],
                "step in phase_out.steps",
            )
        with t.when("phase_out.notice_months is number"):
            t.paragraph(a["notice"], after_table=True)


def agreement_term(t: Template, a: dict[str, str]) -> None:
    """Term and renewal."""
    with t.when("term"):
        t.heading(a["term"])
        with t.when("term.start_date or term.end_date"):
            t.paragraph(a["term_text"])
        t.labelled(t.words["term_renewal"], "{{ term.renewal }}", "term.renewal")


def agreement_termination(t: Template, a: dict[str, str]) -> None:
    """Disputes, then termination as the last resort."""
    t.heading(a["termination"])
    t.paragraph(a["disputes_intro"])
    with t.when("disputes"):
        t.paragraph("{{ disputes }}")
    t.paragraph(a["last_resort"])
    with t.when("termination.notice_period"):
        t.paragraph(a["notice_period"])
    with t.when("termination.conditions"):
        t.paragraph("{{ termination.conditions }}")


def build_agreement(language: str) -> Template:
    """The partnership agreement."""
    a = AGREEMENT[language]
    t = Template(language, title_property=TITLE_PROPERTY, subject=a["kicker"])
    t.header_and_footer("{{ title }}", "{{ reference }}")
    title_block(t, a["kicker"])
    t.paragraph(a["intro"], after_table=True)
    for section in (
        agreement_parties,
        agreement_background,
        agreement_goals,
        agreement_activities,
        agreement_roles,
        agreement_governance,
        agreement_budget,
        agreement_follow_up,
        agreement_values_and_communication,
        agreement_capacity_building,
        agreement_phase_out,
        agreement_term,
        agreement_termination,
    ):
        section(t, a)
    signatures_section(t, a["signatures_intro"])
    return t


# ============================================================== the understanding


def understanding_statement(t: Template, u: dict[str, str]) -> None:
    """Whether the paper binds the parties, said plainly."""
    t.tag("if binding")
    t.paragraph(u["binding"], "Notice")
    t.tag("else")
    t.paragraph(u["not_binding"], "Notice")
    t.tag("endif")


def understanding_content(t: Template, u: dict[str, str]) -> None:
    """Purpose, background, vision, areas of cooperation, values."""
    text_section(t, u["purpose"], "purpose")
    text_section(t, t.words["background"], "background")
    text_section(t, t.words["vision"], "vision")
    with t.when("areas_of_cooperation"):
        t.heading(u["areas"])
        t.paragraph(u["areas_intro"], keep_with_next=True)
        t.bullets("areas_of_cooperation", "area", "{{ area }}")
    values_section(t, u["values_intro"])


def understanding_next_steps(t: Template, u: dict[str, str]) -> None:
    """Next steps with responsible parties and dates."""
    with t.when("next_steps"):
        t.heading(u["next_steps"])
        t.paragraph(u["next_steps_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(u["step"], 4770, "{{ step.description }}"),
                Column(
                    t.words["responsible"], 2300, "{{ step.responsible|party_name }}"
                ),
                Column(t.words["date"], 2000, "{{ step.date|date }}"),
            ],
            "step in next_steps",
        )


def understanding_term(t: Template, u: dict[str, str]) -> None:
    """How long the paper applies, and renewal."""
    with t.when("term"):
        t.heading(u["term"])
        with t.when("term.start_date or term.end_date"):
            t.paragraph(u["term_text"])
        t.labelled(t.words["term_renewal"], "{{ term.renewal }}", "term.renewal")


def build_understanding(language: str) -> Template:
    """The understanding paper (memorandum of understanding)."""
    u = UNDERSTANDING[language]
    t = Template(language, title_property=TITLE_PROPERTY, subject=u["kicker"])
    t.header_and_footer("{{ title }}", "{{ reference }}")
    title_block(t, u["kicker"])
    understanding_statement(t, u)
    parties_section(t, u["between"])
    understanding_content(t, u)
    understanding_next_steps(t, u)
    understanding_term(t, u)
    t.heading(t.words["signatures"])
    t.tag("if binding")
    t.paragraph(u["signatures_binding"]).paragraph_format.keep_with_next = True
    t.tag("else")
    t.paragraph(u["signatures_not_binding"]).paragraph_format.keep_with_next = True
    t.tag("endif")
    t.signature_table()
    t.closing_paragraph()
    return t


# ============================================================== the letter


def letter_head(t: Template, m: dict[str, str]) -> None:
    """Sender letterhead, recipient block, date and subject."""
    t.paragraph("{{ sender.name }}", "Letterhead")
    t.paragraph(
        "{{ [sender.address, sender.website]|select|join('  ·  ') }}",
        "LetterheadDetails",
    )
    t.paragraph("{{ recipient.organisation }}", "Recipient")
    with t.when("recipient.person.name"):
        t.paragraph(
            f"{m['attention']} {{{{ recipient.person.name }}}}"
            "{% if recipient.person.title %}, {{ recipient.person.title }}{% endif %}",
            "Recipient",
        )
    for field in ("address", "email"):
        with t.when(f"recipient.{field}"):
            t.paragraph(f"{{{{ recipient.{field} }}}}", "Recipient")
    t.paragraph("{{ date|date }}", "LetterDate")
    with t.when("subject"):
        t.paragraph("{{ subject }}", "Subject")


def letter_body(t: Template, m: dict[str, str]) -> None:
    """The idea, why this partner, what we offer."""
    t.paragraph(m["salutation"])
    t.paragraph(m["idea"])
    t.paragraph(m["shape_together"])
    with t.when("why_you"):
        t.paragraph(m["why_you"])
    with t.when("offer"):
        t.paragraph(m["offer"]).paragraph_format.keep_with_next = True
        t.bullets("offer", "item", "{{ item }}")


def letter_meeting(t: Template, m: dict[str, str]) -> None:
    """The proposal for a short first meeting."""
    t.tag("if meeting.duration_minutes")
    t.paragraph(m["meeting"])
    t.tag("else")
    t.paragraph(m["meeting_short"])
    t.tag("endif")
    with t.when("meeting.proposals"):
        t.paragraph(m["proposals"]).paragraph_format.keep_with_next = True
        with t.each("proposal in meeting.proposals"):
            t.paragraph("{{ proposal|datetime }}", "List Number")
        t.paragraph(m["other_time"])
    with t.when("meeting.location"):
        t.paragraph(m["location"])
    with t.when("meeting.online"):
        t.paragraph(m["online"])


def letter_closing(t: Template, m: dict[str, str]) -> None:
    """Attachments, links, closing and signature."""
    with t.when("attachments"):
        t.paragraph(m["attachments"]).paragraph_format.keep_with_next = True
        t.bullets("attachments", "attachment", "{{ attachment }}")
    with t.when("links"):
        t.paragraph(m["links"])
    t.paragraph(m["looking_forward"])
    t.paragraph(m["closing"], "Closing")
    with t.when("sender.representative.name"):
        t.paragraph("{{ sender.representative.name }}", "Recipient")
    t.paragraph(
        "{% if sender.representative.title %}{{ sender.representative.title }}, "
        "{% endif %}{{ sender.name }}",
        "Recipient",
    )
    with t.when("sender.representative.email or sender.representative.phone"):
        t.paragraph(
            "{{ [sender.representative.email, sender.representative.phone]"
            "|select|join('  ·  ') }}",
            "Recipient",
        )


def build_first_contact(language: str) -> Template:
    """The first-contact letter: one page, no running header."""
    m = LETTER[language]
    t = Template(
        language,
        title_property="{% autoescape false %}{{ subject }}{% endautoescape %}",
        subject="{% autoescape false %}{{ sender.name }}{% endautoescape %}",
    )
    section = t.document.sections[0]
    section.top_margin = Twips(1134)
    section.bottom_margin = Twips(1134)
    letter_head(t, m)
    letter_body(t, m)
    letter_meeting(t, m)
    letter_closing(t, m)
    return t


# ============================================================== main

#: Core property "title": rendered by docxtpl with autoescaping switched off,
#: because the property is plain text, not XML (python-docx escapes it itself).
TITLE_PROPERTY = "{% autoescape false %}{{ title }}{% endautoescape %}"

BUILDERS = {
    "agreement": build_agreement,
    "understanding": build_understanding,
    "first_contact": build_first_contact,
}


def main() -> None:
    """Build every template into agreement_templates/."""
    check_languages_match()
    OUTPUT_DIR.mkdir(exist_ok=True)
    for kind in KINDS:
        for language in LANGUAGES:
            path = OUTPUT_DIR / f"{kind}.{language}.docx"
            BUILDERS[kind](language).save(path)
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
