"""The words of the six built-in documents, Danish and English side by side.

One dict per document (plus the words they share and the names of the project's
own Word styles); ``scripts/build_templates.py`` lays them out in Word. Jinja
expressions are part of the text; every value is escaped by the engine. The two
languages must have the same keys: ``check_languages_match`` fails the build
otherwise.
"""

from __future__ import annotations

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
