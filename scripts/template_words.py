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
        "partnership_type": "Tilknytningsgrad",
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
        "jointly": "Parterne i fællesskab",
    },
    "en": {
        "reference": "Reference",
        "partnership_type": "Degree of commitment",
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
        "jointly": "The parties jointly",
    },
}

AGREEMENT = {
    "da": {
        "kicker": "Partnerskabsaftale",
        "intro": (
            "Denne aftale beskriver, {{ agreement_topics|map('label')|join_and }}."
        ),
        "between": (
            "Aftalen er indgået mellem "
            "{{ parties|map(attribute='name')|join_and|full_stop }}"
        ),
        "between_list": "Aftalen er indgået mellem disse parter:",
        "dependent_note": (
            "Partnerskabet bærer i dag en stor del af arbejdet hos "
            "{{ party.name|full_stop }} Aftalen lægger derfor vægt på at styrke "
            "partens egen kapacitet og på at udfase partnerskabet i god tid."
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
        "goals_intro_indicator": (
            "Hvert mål har en indikator, som viser, om målet er nået."
        ),
        "goals_intro_deadline": "Hvert mål har en frist.",
        "impact_goals": "Effektmål",
        "impact_intro": (
            "Effektmålene viser, om partnerskabet {% if mission %}når sin mission"
            "{% else %}kommer nærmere sin vision{% endif %}."
        ),
        "relationship_goals": "Relationsmål",
        "relationship_intro": (
            "Relationsmålene beskriver, hvordan parterne plejer samarbejdet, "
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
        "roles_intro": "Parterne har fordelt rollerne sådan:",
        "governance": "Organisering og beslutninger",
        "structure": "Organisering",
        "meetings": "Møder",
        "decisions": "Beslutninger",
        "minutes": "Referater",
        "budget": "Budget",
        "budget_intro": (
            "Budgettet viser, hvad hver part bidrager med"
            "{% if budget.totals.in_kind and budget.totals.cash %}, både kontant og "
            "i naturalier som lokaler, udstyr og arbejdstid"
            "{% elif budget.totals.in_kind %} i naturalier som lokaler, udstyr og "
            "arbejdstid{% endif %}."
            "{% if budget.period == 'year' %} Beløbene gælder pr. år"
            "{% elif budget.period == 'term' %} Beløbene gælder for hele "
            "aftaleperioden{% endif %}"
            "{% if budget.period and term.start_date and term.end_date %} "
            "({{ term.start_date|date }} – {{ term.end_date|date }}){% endif %}"
            "{% if budget.period %}.{% endif %}"
        ),
        "commitment": (
            "Hver part forpligter sig til at levere de bidrag, der står ud for "
            "partens navn i budgettet."
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
            "Parterne søger ekstern finansiering som vist nedenfor."
            "{% if budget.external_funding|selectattr('responsible')|list %} Den "
            "ansvarlige part står for ansøgningen og holder de øvrige parter "
            "orienteret.{% endif %}"
        ),
        "status_total": "{{ subtotal.status|label|capitalize }} i alt",
        "if_refused": (
            "Bliver en ansøgning afslået, aftaler parterne sammen, hvordan "
            "aktiviteterne tilpasses. Ingen part skal dække det manglende beløb, "
            "medmindre den skriftligt har påtaget sig det."
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
            "Det gælder især "
            "{{ dependent_parties|map(attribute='name')|join_and|full_stop }}"
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
            "Vil en part udfase partnerskabet tidligere end planlagt eller uden for "
            "planen, giver den de øvrige parter skriftligt varsel på mindst "
            "{{ phase_out.notice_months|months }}."
        ),
        "term": "Varighed",
        "term_and_renewal": "Varighed og fornyelse",
        "term_text": (
            "{% if term.start_date %}Aftalen træder i kraft den "
            "{{ term.start_date|date }}{% if term.end_date %} og gælder til og med "
            "den {{ term.end_date|date }}{% else %} og gælder, indtil den opsiges"
            "{% endif %}.{% elif term.end_date %}Aftalen gælder til og med den "
            "{{ term.end_date|date }}.{% endif %}"
        ),
        "termination": "Uenigheder og ophør",
        "disputes_intro": (
            "Opstår der uenighed eller problemer i samarbejdet, tager parterne dem op "
            "hurtigt og åbent{% if values %} med de fælles værdier som udgangspunkt"
            "{% endif %}."
        ),
        "last_resort": (
            "At bringe aftalen til ophør er sidste udvej. Først skal parterne sammen "
            "have forsøgt at finde fælles fodslag igen, fx på et møde om "
            "samarbejdet{% if values %} og de fælles værdier{% endif %}."
        ),
        "notice_period": (
            "Lykkes det ikke, kan hver part opsige aftalen skriftligt "
            "{% if termination.notice_period %}med et varsel på "
            "{{ termination.notice_period }}{% else %}med et rimeligt varsel"
            "{% endif %}."
        ),
        "breach": (
            "Misligholder en part væsentligt sine forpligtelser og retter den ikke "
            "forholdet senest 30 dage efter skriftligt påkrav, kan de øvrige parter "
            "ophæve aftalen over for den part uden varsel."
        ),
        "general": "Almindelige bestemmelser",
        "amendments_label": "Ændringer",
        "amendments": (
            "Ændringer og tillæg til aftalen gælder kun, hvis de er skriftlige og "
            "underskrevet af alle parter."
        ),
        "annexes_label": "Bilag",
        "annexes_intro": "Disse bilag er en del af aftalen:",
        "annex": "Bilag {{ loop.index }}: {{ annex }}",
        "annexes_precedence": (
            "Er et bilag og aftalen i strid med hinanden, gælder aftalen."
        ),
        "withdrawal_label": "Når en part træder ud",
        "withdrawal": (
            "Træder en part ud af aftalen, fortsætter den mellem de øvrige parter. "
            "De aftaler sammen, hvordan den udtrådte parts opgaver og bidrag "
            "fordeles, og den udtrådte part afleverer materiale og oplysninger, som "
            "tilhører partnerskabet."
        ),
        "liability_label": "Ansvar og forsikring",
        "liability": (
            "Hver part er ansvarlig for sine egne aktiviteter, også arrangementer, "
            "og tegner selv de forsikringer, de kræver."
        ),
        "ownership_label": "Udstyr og resultater",
        "ownership": (
            "Udstyr tilhører den part, der har anskaffet det, også når "
            "partnerskabet slutter{% if phase_out.plan %}, medmindre planen for "
            "udfasning siger andet{% endif %}. Resultater, som parterne har skabt "
            "sammen, må alle parter bruge."
        ),
        "accounting_label": "Regnskab og rapportering",
        "accounting": (
            "Den part, der modtager ekstern finansiering, fører regnskab over "
            "midlerne, får det revideret, når bevillingsgiveren kræver det, og "
            "rapporterer efter bevillingsgiverens krav. De øvrige parter leverer de "
            "oplysninger, der skal bruges."
        ),
        "personal_data_label": "Personoplysninger",
        "personal_data": (
            "{% if legal.personal_data.controller %}"
            "{{ legal.personal_data.controller|party_name }} er dataansvarlig for de "
            "personoplysninger, parterne behandler i fællesskab.{% else %}Hver part "
            "er dataansvarlig for de personoplysninger, den selv indsamler."
            "{% endif %} Parterne behandler oplysningerne efter "
            "databeskyttelsesforordningen (GDPR) og indgår en databehandleraftale, "
            "før en part behandler oplysninger på en anden parts vegne."
        ),
        "personal_data_shared": (
            "Oplysninger, parterne deler: {{ legal.personal_data.shared|full_stop }}"
        ),
        "safeguarding_label": "Beskyttelse af børn og sårbare voksne",
        "safeguarding": (
            "Parterne beskytter børn og sårbare voksne, der deltager i "
            "partnerskabets aktiviteter, mod udnyttelse, krænkelser og misbrug. "
            "Hver part har retningslinjer for det, og en mistanke meldes straks til "
            "de øvrige parter."
        ),
        "anti_corruption_label": "Antikorruption",
        "anti_corruption": (
            "Parterne accepterer ingen form for korruption, bestikkelse eller svig. "
            "En mistanke om misbrug af partnerskabets midler meldes straks til de "
            "øvrige parter og til bevillingsgiverne."
        ),
        "law_label": "Lovvalg og værneting",
        "law": (
            "{% if legal.governing_law %}Aftalen er underlagt lovgivningen i "
            "{{ legal.governing_law|country }}.{% endif %}"
            "{% if legal.governing_law and legal.venue %} {% endif %}"
            "{% if legal.venue %}Tvister, som parterne ikke selv kan løse, afgøres "
            "ved {{ legal.venue|full_stop }}{% endif %}"
        ),
        "language_label": "Sprog",
        "language_precedence": (
            "Aftalen er udfærdiget på dansk og engelsk. Er de to udgaver "
            "forskellige, går den {{ legal.prevailing_language|label }} udgave forud."
        ),
        "signatures_intro": (
            "Med deres underskrift tiltræder parterne aftalen og forpligter sig til "
            "at overholde den."
        ),
    },
    "en": {
        "kicker": "Partnership agreement",
        "intro": (
            "This agreement sets out {{ agreement_topics|map('label')|join_and }}."
        ),
        "between": (
            "This agreement is made between "
            "{{ parties|map(attribute='name')|join_and|full_stop }}"
        ),
        "between_list": "This agreement is made between these parties:",
        "dependent_note": (
            "The partnership currently carries much of the work of "
            "{{ party.name|full_stop }} This agreement therefore puts weight on "
            "strengthening the party's own capacity and on phasing the partnership "
            "out in good time."
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
        "goals_intro_indicator": (
            "Each goal has an indicator that shows whether it has been reached."
        ),
        "goals_intro_deadline": "Each goal has a deadline.",
        "impact_goals": "Impact goals",
        "impact_intro": (
            "The impact goals show whether the partnership "
            "{% if mission %}achieves its mission{% else %}moves closer to its "
            "vision{% endif %}."
        ),
        "relationship_goals": "Relationship goals",
        "relationship_intro": (
            "The relationship goals describe how the parties look after their "
            "cooperation, for example how often they align expectations and how "
            "they talk about what is not working."
        ),
        "goal": "Goal",
        "indicator": "Indicator",
        "deadline": "Deadline",
        "activities": "Activities and timeline",
        "activities_intro": (
            "For each activity, the responsible parties make sure it is carried out "
            "and keep the other parties informed along the way."
        ),
        "activity": "Activity",
        "description": "Description",
        "milestones": "Milestones",
        "milestones_intro": "The milestones mark the key points in the timeline.",
        "milestone": "Milestone",
        "roles": "Roles and responsibilities",
        "roles_intro": "The parties have divided the roles as follows:",
        "governance": "Governance and decision-making",
        "structure": "Structure",
        "meetings": "Meetings",
        "decisions": "Decisions",
        "minutes": "Minutes",
        "budget": "Budget",
        "budget_intro": (
            "The budget shows what each party contributes"
            "{% if budget.totals.in_kind and budget.totals.cash %}, both in cash and "
            "in kind, such as rooms, equipment and staff time"
            "{% elif budget.totals.in_kind %} in kind, such as rooms, equipment and "
            "staff time{% endif %}."
            "{% if budget.period == 'year' %} The amounts are per year"
            "{% elif budget.period == 'term' %} The amounts cover the whole term"
            "{% endif %}"
            "{% if budget.period and term.start_date and term.end_date %} "
            "({{ term.start_date|date }} – {{ term.end_date|date }}){% endif %}"
            "{% if budget.period %}.{% endif %}"
        ),
        "commitment": (
            "Each party undertakes to provide the contributions listed against its "
            "name in the budget."
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
            "The parties seek external funding as shown below."
            "{% if budget.external_funding|selectattr('responsible')|list %} The "
            "responsible party handles the application and keeps the other parties "
            "informed.{% endif %}"
        ),
        "status_total": "Total {{ subtotal.status|label }}",
        "if_refused": (
            "If an application is refused, the parties agree together how the "
            "activities are adjusted. No party has to cover the missing amount "
            "unless it has agreed in writing to do so."
        ),
        "source": "Source",
        "status": "Status",
        "follow_up": "Follow-up and evaluation",
        "follow_up_intro": (
            "The parties regularly review both the results and the cooperation "
            "itself, so that problems are raised in good time."
        ),
        "frequency": "Frequency",
        "methods": "Methods",
        "evaluation": "Evaluation",
        "review_dates": "Review dates",
        "values_intro": (
            "The parties have agreed on these shared values and will return to "
            "them if disagreements arise:"
        ),
        "communication": "Communication",
        "capacity_building": "Capacity building",
        "capacity_intro": (
            "The parties strengthen each other's capacity so that every party can "
            "stand on its own feet when the partnership ends."
        ),
        "capacity_dependent": (
            "This applies in particular to "
            "{{ dependent_parties|map(attribute='name')|join_and|full_stop }}"
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
            "A party that wishes to phase out the partnership earlier than planned, "
            "or outside the plan, gives the other parties written notice of at "
            "least {{ phase_out.notice_months|months }}."
        ),
        "term": "Term",
        "term_and_renewal": "Term and renewal",
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
            "If disagreements or problems arise in the cooperation, the parties "
            "raise them early and openly{% if values %}, taking the shared values "
            "as their starting point{% endif %}."
        ),
        "last_resort": (
            "Ending the agreement is the last resort. The parties must first have "
            "tried together to find common ground again, for example at a meeting "
            "about the cooperation{% if values %} and the shared values{% endif %}."
        ),
        "notice_period": (
            "If this does not succeed, each party may terminate the agreement by "
            "written notice "
            "{% if termination.notice_period %}of {{ termination.notice_period }}"
            "{% else %}given within a reasonable time{% endif %}."
        ),
        "breach": (
            "If a party materially breaches its obligations and does not remedy the "
            "breach within 30 days of a written request, the other parties may end "
            "the agreement with that party with immediate effect."
        ),
        "general": "General provisions",
        "amendments_label": "Amendments",
        "amendments": (
            "Amendments and additions to this agreement are valid only if made in "
            "writing and signed by all parties."
        ),
        "annexes_label": "Annexes",
        "annexes_intro": "These annexes form part of the agreement:",
        "annex": "Annex {{ loop.index }}: {{ annex }}",
        "annexes_precedence": (
            "If an annex conflicts with this agreement, the agreement prevails."
        ),
        "withdrawal_label": "When a party leaves",
        "withdrawal": (
            "If a party leaves the agreement, it continues between the other "
            "parties. They agree together how the leaving party's tasks and "
            "contributions are shared, and the leaving party hands over the "
            "material and information that belong to the partnership."
        ),
        "liability_label": "Liability and insurance",
        "liability": (
            "Each party is liable for its own activities, events included, and "
            "takes out the insurance they require."
        ),
        "ownership_label": "Equipment and results",
        "ownership": (
            "Equipment belongs to the party that acquired it, also when the "
            "partnership ends{% if phase_out.plan %}, unless the phase-out plan "
            "says otherwise{% endif %}. All parties may use results they have "
            "created together."
        ),
        "accounting_label": "Accounts and reporting",
        "accounting": (
            "The party that receives external funding keeps accounts of it, has "
            "them audited when the funder requires it, and reports as the funder "
            "requires. The other parties provide the information needed."
        ),
        "personal_data_label": "Personal data",
        "personal_data": (
            "{% if legal.personal_data.controller %}"
            "{{ legal.personal_data.controller|party_name }} is the data controller "
            "for the personal data the parties process together.{% else %}Each "
            "party is the data controller for the personal data it collects itself."
            "{% endif %} The parties process the data in accordance with the "
            "General Data Protection Regulation (GDPR) and make a data processing "
            "agreement before one party processes data on another party's behalf."
        ),
        "personal_data_shared": (
            "Data the parties share: {{ legal.personal_data.shared|full_stop }}"
        ),
        "safeguarding_label": "Safeguarding",
        "safeguarding": (
            "The parties protect children and vulnerable adults who take part in "
            "the partnership's activities from exploitation, abuse and harassment. "
            "Each party has guidelines for this, and any suspicion is reported to "
            "the other parties at once."
        ),
        "anti_corruption_label": "Anti-corruption",
        "anti_corruption": (
            "The parties accept no form of corruption, bribery or fraud. Any "
            "suspicion that the partnership's funds are misused is reported at once "
            "to the other parties and to the funders."
        ),
        "law_label": "Governing law and disputes",
        "law": (
            "{% if legal.governing_law %}This agreement is governed by the law of "
            "{{ legal.governing_law|country }}.{% endif %}"
            "{% if legal.governing_law and legal.venue %} {% endif %}"
            "{% if legal.venue %}Disputes the parties cannot settle themselves are "
            "decided by {{ legal.venue|full_stop }}{% endif %}"
        ),
        "language_label": "Language",
        "language_precedence": (
            "This agreement is made in Danish and English. If the two versions "
            "differ, the {{ legal.prevailing_language|label }} version prevails."
        ),
        "signatures_intro": (
            "By signing, the parties agree to be bound by this agreement."
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
            "{{ parties|map(attribute='name')|join_and|full_stop }}"
        ),
        "between_list": (
            "Forståelsespapiret er udarbejdet i fællesskab af disse parter:"
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
            "the parties' shared intentions and is the basis for further talks, "
            "which may lead to a formal cooperation agreement."
        ),
        "binding": (
            "The parties agree that this memorandum of understanding is legally "
            "binding on them until a formal cooperation agreement replaces it."
        ),
        "between": (
            "This memorandum has been drawn up jointly by "
            "{{ parties|map(attribute='name')|join_and|full_stop }}"
        ),
        "between_list": "This memorandum has been drawn up jointly by these parties:",
        "purpose": "Purpose",
        "areas": "Areas of cooperation",
        "areas_intro": (
            "The parties will explore and develop their cooperation in these areas:"
        ),
        "values_intro": "The cooperation rests on these shared values:",
        "next_steps": "Next steps",
        "next_steps_intro": "The parties have agreed on these next steps:",
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
            "Vi vil gerne invitere jer til et første uforpligtende møde på "
            "{{ meeting.duration_minutes }} minutter, hvor vi kan fortælle mere om "
            "idéen og høre jeres tanker."
        ),
        "meeting_short": (
            "Vi vil gerne invitere jer til et kort, uforpligtende møde, hvor vi kan "
            "fortælle mere om idéen og høre jeres tanker."
        ),
        "proposals": (
            "Vi foreslår et af disse tidspunkter"
            "{% if meeting.time_zone %} ({{ meeting.time_zone }}){% endif %}:"
        ),
        "other_time": (
            "Passer ingen af dem, finder vi gerne et andet tidspunkt sammen med jer."
        ),
        "location": "Sted: {{ meeting.location }}",
        "online": "Mødet kan også holdes online, hvis det passer jer bedre.",
        "attachments": "Vedlagt finder I mere om os:",
        "links": (
            "I kan også læse mere om os på {{ links|map('link')|join_and|full_stop }}"
        ),
        "looking_forward": "Vi glæder os til at høre fra jer.",
        "closing": "Med venlig hilsen",
    },
    "en": {
        "attention": "Attn:",
        "salutation": (
            "Dear {% if recipient.person.salutation %}"
            "{{ recipient.person.salutation }} "
            "{{ recipient.person.name.split()|last }}"
            "{% elif recipient.person.name %}{{ recipient.person.name }}"
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
        "proposals": (
            "We suggest one of these times"
            "{% if meeting.time_zone %} ({{ meeting.time_zone }}){% endif %}:"
        ),
        "other_time": "If none of them suits you, we will gladly find another time.",
        "location": "Place: {{ meeting.location }}",
        "online": "We are also happy to meet online if that suits you better.",
        "attachments": "Enclosed you will find more about us:",
        "links": (
            "You can also read more about us at "
            "{{ links|map('link')|join_and|full_stop }}"
        ),
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
