"""The partnership agreement: the full, signed document of a partnership."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from schemas.common import BaseSchema, PartnershipSchema
from schemas.fields import (
    ID_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Amount,
    Choice,
    Count,
    Country,
    Currency,
    Date,
    Flag,
    Text,
    count_between,
    doc,
    nested_list,
    text_list,
    unique_items,
)
from schemas.references import (
    ErrorCollector,
    PartyIndex,
    check_references,
    raw_items,
    raw_text,
)

BOTTOM_LINES: tuple[str, ...] = (
    "artistic",
    "cultural",
    "economic",
    "social",
    "green",
    "educational",
    "health",
)
GOAL_KINDS: tuple[str, ...] = ("impact", "relationship")
FUNDING_STATUSES: tuple[str, ...] = ("planned", "applied", "granted", "rejected")
BUDGET_PERIODS: tuple[str, ...] = ("term", "year")
LANGUAGE_VERSIONS: tuple[str, ...] = ("da", "en")


class GoalSchema(BaseSchema):
    """A goal with its indicator and deadline."""

    description = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc(
            "What is to be achieved.",
            da="Hvad der skal opnås.",
            label="Goal",
            label_da="Mål",
        ),
    )
    kind = Choice(
        GOAL_KINDS,
        load_default="impact",
        metadata=doc(
            "Impact goal: did we reach our mission? Relationship goal: how we "
            "tend the partnership itself – how often we align expectations, "
            "whether we write minutes, whether we talk about what is not working.",
            da=(
                "Effektmål: nåede vi vores mission? Relationsmål: hvordan vi passer "
                "på selve partnerskabet – hvor tit vi afstemmer forventninger, om vi "
                "skriver referat, om vi taler om det, der ikke virker."
            ),
            label="Kind of goal",
            label_da="Type af mål",
        ),
    )
    indicator = Text(
        max_length=SHORT_MAX,
        metadata=doc(
            "How we see that the goal is reached.",
            da="Hvordan vi kan se, at målet er nået.",
            label="Indicator",
            label_da="Indikator",
        ),
    )
    deadline = Date(
        metadata=doc(
            "When the goal should be reached.",
            da="Hvornår målet skal være nået.",
            label="Deadline",
            label_da="Frist",
        )
    )


class ActivitySchema(BaseSchema):
    """An activity with responsible parties and a period."""

    title = Text(
        required=True,
        metadata=doc(
            "Name of the activity.",
            da="Aktivitetens navn.",
            label="Activity",
            label_da="Aktivitet",
        ),
    )
    description = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "What the activity is.",
            da="Hvad aktiviteten går ud på.",
            label="Description",
            label_da="Beskrivelse",
        ),
    )
    responsible = text_list(
        max_length=ID_MAX,
        metadata=doc(
            "Ids of the parties responsible.",
            da="De parter, der er ansvarlige.",
            label="Responsible parties",
            label_da="Ansvarlige parter",
        ),
    )
    start = Date(
        metadata=doc(
            "First day of the activity.",
            da="Aktivitetens første dag.",
            label="Start",
            label_da="Start",
        )
    )
    end = Date(
        metadata=doc(
            "Last day of the activity; not before start.",
            da="Aktivitetens sidste dag; ikke før start.",
            label="End",
            label_da="Slut",
        )
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _ends_after_start(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end < start:
            raise ma.ValidationError(
                f"Must not be before start ({start.isoformat()}).", "end"
            )


class MilestoneSchema(BaseSchema):
    """A dated milestone."""

    date = Date(
        required=True,
        metadata=doc(
            "When the milestone is due.",
            da="Hvornår milepælen skal være nået.",
            label="Date",
            label_da="Dato",
        ),
    )
    description = Text(
        required=True,
        max_length=SHORT_MAX,
        metadata=doc(
            "What is reached.",
            da="Hvad der er nået.",
            label="Milestone",
            label_da="Milepæl",
        ),
    )


class RoleSchema(BaseSchema):
    """What one party does in the partnership."""

    party = Text(
        max_length=ID_MAX,
        required=True,
        metadata=doc("Id of the party.", da="Parten.", label="Party", label_da="Part"),
    )
    title = Text(
        metadata=doc(
            "Name of the role, such as project lead.",
            da="Rollens navn, fx projektleder.",
            label="Role",
            label_da="Rolle",
        )
    )
    responsibilities = text_list(
        metadata=doc(
            "What the party is responsible for.",
            da="Hvad parten har ansvar for.",
            label="Responsibilities",
            label_da="Ansvar",
        )
    )


class GovernanceSchema(BaseSchema):
    """How the partnership is steered."""

    structure = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "Steering group, secretariat or the like.",
            da="Styregruppe, sekretariat eller lignende.",
            label="Structure",
            label_da="Organisering",
        ),
    )
    meeting_frequency = Text(
        metadata=doc(
            "How often the partners meet.",
            da="Hvor tit partnerne mødes.",
            label="Meetings",
            label_da="Møder",
        )
    )
    decision_making = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "How decisions are made.",
            da="Hvordan beslutninger træffes.",
            label="Decisions",
            label_da="Beslutninger",
        ),
    )
    minutes = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "Who writes minutes and how they are shared.",
            da="Hvem der skriver referat, og hvordan det deles.",
            label="Minutes",
            label_da="Referat",
        ),
    )


class BudgetLineSchema(BaseSchema):
    """One party's contribution, in cash or in kind."""

    description = Text(
        required=True,
        metadata=doc(
            "What the money is for.",
            da="Hvad pengene går til.",
            label="Description",
            label_da="Beskrivelse",
        ),
    )
    party = Text(
        max_length=ID_MAX,
        required=True,
        metadata=doc("Id of the party.", da="Parten.", label="Party", label_da="Part"),
    )
    amount = Amount(
        required=True,
        metadata=doc(
            "Amount in the budget's currency.",
            da="Beløb i budgettets valuta, fx 85.000,50.",
            label="Amount",
            label_da="Beløb",
        ),
    )
    in_kind = Flag(
        load_default=False,
        metadata=doc(
            "True for a contribution in kind.",
            da="Sæt kryds for et bidrag i naturalier (lokaler, timer, udstyr).",
            label="In kind",
            label_da="I naturalier",
        ),
    )


class ExternalFundingSchema(BaseSchema):
    """Funding sought from outside the partnership."""

    source = Text(
        required=True,
        metadata=doc(
            "Fund, foundation or programme.",
            da="Fond, pulje eller program.",
            label="Source",
            label_da="Kilde",
        ),
    )
    responsible = Text(
        max_length=ID_MAX,
        metadata=doc(
            "Id of the party that applies for it.",
            da="Den part, der søger.",
            label="Applied for by",
            label_da="Søges af",
        ),
    )
    amount = Amount(
        metadata=doc(
            "Amount in the budget's currency.",
            da="Beløb i budgettets valuta, fx 85.000,50.",
            label="Amount",
            label_da="Beløb",
        )
    )
    status = Choice(
        FUNDING_STATUSES,
        load_default="planned",
        metadata=doc(
            "Where the application stands.",
            da="Hvor ansøgningen står.",
            label="Status",
            label_da="Status",
        ),
    )


class BudgetSchema(BaseSchema):
    """The budget: contributions and external funding."""

    currency = Currency(
        load_default="DKK",
        metadata=doc(
            "ISO 4217 currency code of every amount.",
            da="Valuta for alle beløb (ISO 4217-kode).",
            label="Currency",
            label_da="Valuta",
        ),
    )
    lines = nested_list(
        BudgetLineSchema,
        metadata=doc(
            "Each party's contributions.",
            da="Hver parts bidrag, i kontanter eller naturalier.",
            label="Contributions",
            label_da="Bidrag",
        ),
    )
    external_funding = nested_list(
        ExternalFundingSchema,
        metadata=doc(
            "Funding sought from outside.",
            da="Finansiering, der søges udefra.",
            label="External funding",
            label_da="Ekstern finansiering",
        ),
    )
    period = Choice(
        BUDGET_PERIODS,
        metadata=doc(
            "What the amounts cover: term (the whole term of the agreement) or "
            "year (each year of it).",
            da="Hvad beløbene dækker: term (hele aftalens løbetid) eller year "
            "(hvert år).",
            label="Budget period",
            label_da="Budgetperiode",
        ),
    )
    if_refused = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "What happens if funding applied for is refused; without it the "
            "agreement says the parties adjust the activities together and no "
            "party has to cover the gap unless it agreed to in writing.",
            da="Hvad der sker, hvis ansøgt finansiering bliver afslået; uden det "
            "siger aftalen, at parterne sammen tilpasser aktiviteterne, og at "
            "ingen part skal dække hullet, medmindre den skriftligt har lovet det.",
            label="If funding is refused",
            label_da="Hvis finansiering afslås",
        ),
    )


class FollowUpSchema(BaseSchema):
    """How progress and the partnership's health are reviewed."""

    frequency = Text(
        metadata=doc(
            "How often progress is reviewed.",
            da="Hvor tit fremdriften gennemgås.",
            label="Frequency",
            label_da="Hyppighed",
        )
    )
    methods = text_list(
        metadata=doc(
            "How progress is followed.",
            da="Hvordan fremdriften følges.",
            label="Methods",
            label_da="Metoder",
        )
    )
    evaluation = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "How the partnership is evaluated.",
            da="Hvordan partnerskabet evalueres.",
            label="Evaluation",
            label_da="Evaluering",
        ),
    )
    review_dates = ma.fields.List(
        Date(),
        validate=count_between(),
        metadata=doc(
            "Dates of planned reviews.",
            da="Datoer for planlagt opfølgning.",
            label="Review dates",
            label_da="Datoer for opfølgning",
        ),
    )


class PhaseOutStepSchema(BaseSchema):
    """One step of the phase-out."""

    date = Date(
        metadata=doc(
            "When the step happens.",
            da="Hvornår trinnet sker.",
            label="Date",
            label_da="Dato",
        )
    )
    description = Text(
        required=True,
        max_length=SHORT_MAX,
        metadata=doc(
            "What happens.", da="Hvad der sker.", label="Step", label_da="Trin"
        ),
    )


class PhaseOutSchema(BaseSchema):
    """The time horizon and how the partnership ends or is handed over."""

    horizon = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "The partnership's time horizon.",
            da="Partnerskabets tidshorisont.",
            label="Time horizon",
            label_da="Tidshorisont",
        ),
    )
    plan = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "The phase-out plan. Required when a party is dependent: it then "
            "knows in good time how it will manage when the partnership ends.",
            da=(
                "Udfasningsplanen. Påkrævet, når en part er afhængig: så ved parten i"
                " god tid, hvordan den klarer sig, når partnerskabet slutter."
            ),
            label="Phase-out plan",
            label_da="Udfasningsplan",
        ),
    )
    steps = nested_list(
        PhaseOutStepSchema,
        metadata=doc(
            "Steps of the phase-out.",
            da="Udfasningens trin.",
            label="Steps",
            label_da="Trin",
        ),
    )
    notice_months = Count(
        minimum=0,
        maximum=120,
        metadata=doc(
            "Months of notice before phase-out.",
            da="Antal måneders varsel før udfasning.",
            label="Notice (months)",
            label_da="Varsel (måneder)",
        ),
    )


class CapacityBuildingSchema(BaseSchema):
    """Capacity building for one party."""

    beneficiary = Text(
        max_length=ID_MAX,
        required=True,
        metadata=doc(
            "Id of the party whose capacity grows.",
            da="Den part, hvis kapacitet opbygges.",
            label="Beneficiary",
            label_da="Modtager",
        ),
    )
    area = Text(
        required=True,
        metadata=doc(
            "Area such as fundraising or administration.",
            da="Område, fx fundraising eller administration.",
            label="Area",
            label_da="Område",
        ),
    )
    measures = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "What is done.", da="Hvad der gøres.", label="Measures", label_da="Tiltag"
        ),
    )
    responsible = Text(
        max_length=ID_MAX,
        metadata=doc(
            "Id of the party that does it.",
            da="Den part, der gør det.",
            label="Responsible",
            label_da="Ansvarlig",
        ),
    )


class TerminationSchema(BaseSchema):
    """How the agreement can be ended, as a last resort."""

    notice_period = Text(
        metadata=doc(
            "Notice period, such as 3 months.",
            da="Opsigelsesvarsel, fx 3 måneder.",
            label="Notice period",
            label_da="Opsigelsesvarsel",
        )
    )
    conditions = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "When and how the agreement can be ended.",
            da="Hvornår og hvordan aftalen kan opsiges.",
            label="Conditions",
            label_da="Betingelser",
        ),
    )


def _legal_doc(description: str, da: str, label: str, label_da: str) -> dict[str, str]:
    return doc(description, da=da, label=label, label_da=label_da)


class PersonalDataSchema(BaseSchema):
    """Personal data the parties handle together (GDPR)."""

    controller = Text(
        max_length=ID_MAX,
        metadata=_legal_doc(
            "Id of the party that is data controller for the partnership's "
            "shared personal data; without it each party is controller for what "
            "it collects itself.",
            "Id på den part, der er dataansvarlig for partnerskabets fælles "
            "personoplysninger; uden det er hver part dataansvarlig for det, den "
            "selv indsamler.",
            "Data controller",
            "Dataansvarlig",
        ),
    )
    shared = Text(
        max_length=SHORT_MAX,
        metadata=_legal_doc(
            "What personal data the parties share, such as participant lists "
            "and photos.",
            "Hvilke personoplysninger parterne deler, fx deltagerlister og fotos.",
            "Shared personal data",
            "Delte personoplysninger",
        ),
    )


class LegalSchema(BaseSchema):
    """The general provisions a lawyer adds: law, venue, language and options."""

    governing_law = Country(
        metadata=_legal_doc(
            "ISO code of the country whose law governs the agreement, such as DK.",
            "Landekode for det land, hvis ret aftalen er underlagt, fx DK.",
            "Governing law",
            "Lovvalg",
        )
    )
    venue = Text(
        max_length=SHORT_MAX,
        metadata=_legal_doc(
            "Where disputes the parties cannot settle are decided, such as "
            "Retten i Aarhus or arbitration.",
            "Hvor tvister, parterne ikke selv kan løse, afgøres, fx Retten i "
            "Aarhus eller voldgift.",
            "Venue",
            "Værneting",
        ),
    )
    prevailing_language = Choice(
        LANGUAGE_VERSIONS,
        metadata=_legal_doc(
            "The agreement exists in Danish and English; this version prevails "
            "if they differ.",
            "Aftalen findes på dansk og engelsk; denne udgave går forud, hvis de "
            "er forskellige.",
            "Prevailing language",
            "Gældende sprogversion",
        ),
    )
    personal_data = ma.fields.Nested(
        PersonalDataSchema,
        metadata=_legal_doc(
            "Personal data the parties share; adds a GDPR clause.",
            "Personoplysninger, parterne deler; tilføjer en GDPR-bestemmelse.",
            "Personal data",
            "Personoplysninger",
        ),
    )
    safeguarding = Flag(
        load_default=False,
        metadata=_legal_doc(
            "True adds a safeguarding clause (protection of children and "
            "vulnerable adults).",
            "True tilføjer en bestemmelse om beskyttelse af børn og sårbare voksne.",
            "Safeguarding clause",
            "Beskyttelse af børn og sårbare",
        ),
    )
    anti_corruption = Flag(
        load_default=False,
        metadata=_legal_doc(
            "True adds an anti-corruption clause, usual for Danish grants abroad.",
            "True tilføjer en antikorruptionsbestemmelse, som er almindelig ved "
            "danske bevillinger i udlandet.",
            "Anti-corruption clause",
            "Antikorruption",
        ),
    )
    liability = Text(
        max_length=TEXT_MAX,
        metadata=_legal_doc(
            "Liability and insurance, such as for events; without it each party "
            "is liable for and insures its own activities.",
            "Ansvar og forsikring, fx ved arrangementer; uden det bærer hver part "
            "ansvaret for og forsikrer sine egne aktiviteter.",
            "Liability and insurance",
            "Ansvar og forsikring",
        ),
    )
    ownership = Text(
        max_length=TEXT_MAX,
        metadata=_legal_doc(
            "Who owns equipment and results when the partnership ends; without "
            "it equipment stays with the party that acquired it.",
            "Hvem der ejer udstyr og resultater, når partnerskabet slutter; uden "
            "det forbliver udstyr hos den part, der har anskaffet det.",
            "Ownership of equipment and results",
            "Ejerskab til udstyr og resultater",
        ),
    )
    accounting = Text(
        max_length=TEXT_MAX,
        metadata=_legal_doc(
            "Accounting, audit and reporting duties; without it a party that "
            "receives external funding keeps accounts and reports as the funder "
            "requires.",
            "Regnskab, revision og rapportering; uden det fører en part, der "
            "modtager ekstern finansiering, regnskab og rapporterer efter "
            "bevillingsgiverens krav.",
            "Accounting, audit and reporting",
            "Regnskab, revision og rapportering",
        ),
    )
    withdrawal = Text(
        max_length=TEXT_MAX,
        metadata=_legal_doc(
            "What happens when one party leaves; without it, with three or more "
            "parties, the agreement continues between the others.",
            "Hvad der sker, når en part træder ud; uden det fortsætter aftalen "
            "mellem de øvrige, når der er tre eller flere parter.",
            "When a party leaves",
            "Når en part træder ud",
        ),
    )


class AgreementSchema(PartnershipSchema):
    """A partnership agreement."""

    vision = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc(
            "The world the partners want to see.",
            da="Den verden, partnerne gerne vil se.",
            label="Vision",
            label_da="Vision",
        ),
    )
    mission = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "What the partnership does to get there.",
            da="Hvad partnerskabet gør for at komme dertil.",
            label="Mission",
            label_da="Mission",
        ),
    )
    bottom_lines = ma.fields.List(
        Choice(BOTTOM_LINES),
        validate=[*count_between(maximum=len(BOTTOM_LINES)), unique_items],
        metadata={
            **doc(
                "The bottom lines the partnership creates value on.",
                da="De bundlinjer, partnerskabet skaber værdi på.",
                label="Bottom lines",
                label_da="Bundlinjer",
            ),
            "uniqueItems": True,
        },
    )
    goals = nested_list(
        GoalSchema,
        minimum=1,
        noun="goals",
        too_few="Give at least one goal.",
        required=True,
        metadata=doc(
            "Impact and relationship goals, each with an indicator and a deadline.",
            da="Effektmål og relationsmål, hver med indikator og frist.",
            label="Goals",
            label_da="Mål",
        ),
    )
    activities = nested_list(
        ActivitySchema,
        metadata=doc(
            "Activities and timeline.",
            da="Aktiviteter og tidsplan.",
            label="Activities",
            label_da="Aktiviteter",
        ),
    )
    milestones = nested_list(
        MilestoneSchema,
        metadata=doc(
            "Dated milestones.",
            da="Milepæle med dato.",
            label="Milestones",
            label_da="Milepæle",
        ),
    )
    roles = nested_list(
        RoleSchema,
        minimum=1,
        noun="roles",
        too_few="Give at least one role.",
        required=True,
        metadata=doc(
            "Who does what.",
            da="Hvem gør hvad.",
            label="Roles",
            label_da="Roller og ansvar",
        ),
    )
    governance = ma.fields.Nested(
        GovernanceSchema,
        metadata=doc(
            "How the partnership is steered.",
            da="Hvordan partnerskabet styres.",
            label="Governance",
            label_da="Styring",
        ),
    )
    budget = ma.fields.Nested(
        BudgetSchema,
        metadata=doc(
            "Contributions and funding.",
            da="Bidrag og finansiering.",
            label="Budget",
            label_da="Budget",
        ),
    )
    follow_up = ma.fields.Nested(
        FollowUpSchema,
        metadata=doc(
            "How progress is reviewed.",
            da="Hvordan fremdriften følges op.",
            label="Follow-up",
            label_da="Opfølgning",
        ),
    )
    phase_out = ma.fields.Nested(
        PhaseOutSchema,
        metadata=doc(
            "Time horizon and phase-out plan.",
            da="Tidshorisont og udfasningsplan.",
            label="Phase-out",
            label_da="Udfasning",
        ),
    )
    capacity_building = nested_list(
        CapacityBuildingSchema,
        metadata=doc(
            "Capacity building (such as administration, fundraising, dealing with"
            " authorities). Required for each dependent party: the stronger "
            "partner takes responsibility for building the weaker one's capacity.",
            da=(
                "Kapacitetsopbygning (fx administration, fundraising, kontakt med "
                "myndigheder). Påkrævet for hver afhængig part: den stærke partner "
                "tager ansvar for at styrke den svagere."
            ),
            label="Capacity building",
            label_da="Kapacitetsopbygning",
        ),
    )
    communication = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "How the partners communicate externally.",
            da="Hvordan partnerne kommunikerer udadtil.",
            label="Communication",
            label_da="Kommunikation",
        ),
    )
    termination = ma.fields.Nested(
        TerminationSchema,
        metadata=doc(
            "How the agreement can be ended.",
            da="Hvordan aftalen kan bringes til ophør – som sidste udvej.",
            label="Termination",
            label_da="Ophør",
        ),
    )
    disputes = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "How disagreements are resolved.",
            da="Hvordan uenigheder løses.",
            label="Disputes",
            label_da="Uenigheder",
        ),
    )
    annexes = text_list(
        max_length=SHORT_MAX,
        metadata=doc(
            "Titles of the annexes (bilag); they are listed and made part of the "
            "agreement.",
            da="Titler på bilagene; de opregnes og er en del af aftalen.",
            label="Annexes",
            label_da="Bilag",
        ),
    )
    legal = ma.fields.Nested(
        LegalSchema,
        metadata=doc(
            "General provisions: governing law, venue, prevailing language and "
            "optional clauses.",
            da="Almindelige bestemmelser: lovvalg, værneting, gældende sprogversion "
            "og valgfrie bestemmelser.",
            label="General provisions",
            label_da="Almindelige bestemmelser",
        ),
    )

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _party_references(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        check_references(original, _check_agreement_references)

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _dependent_parties(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        errors = ErrorCollector()
        parties = PartyIndex(original)
        document = parties.document
        beneficiaries = {
            raw_text(item.get("beneficiary"))
            for _, item in raw_items(document, "capacity_building")
        }
        phase_out = document.get("phase_out")
        has_plan = isinstance(phase_out, Mapping) and raw_text(phase_out.get("plan"))
        for index, party in raw_items(document, "parties"):
            party_id = raw_text(party.get("id"))
            if party.get("dependent") is not True or party_id is None:
                continue
            if party_id not in parties.ids:
                continue
            who = f"Party '{party_id}' (parties[{index}]) is dependent on its"
            if not has_plan:
                errors.add(
                    ("phase_out",),
                    f"{who} partners: the agreement needs a phase-out plan.",
                )
            if party_id not in beneficiaries:
                errors.add(
                    ("capacity_building",),
                    f"{who} partners: the agreement needs capacity building with "
                    f"'{party_id}' as beneficiary.",
                )
        errors.raise_if_any()


def _check_agreement_references(parties: PartyIndex, errors: ErrorCollector) -> None:
    document = parties.document
    parties.check_fields(errors, ("roles",), document.get("roles"), ("party",))
    for index, activity in raw_items(document, "activities"):
        responsible = activity.get("responsible")
        parties.check_list(errors, ("activities", index, "responsible"), responsible)
    budget = document.get("budget")
    if isinstance(budget, Mapping):
        lines, funding = budget.get("lines"), budget.get("external_funding")
        parties.check_fields(errors, ("budget", "lines"), lines, ("party",))
        funding_path = ("budget", "external_funding")
        parties.check_fields(errors, funding_path, funding, ("responsible",))
    building = document.get("capacity_building")
    fields = ("beneficiary", "responsible")
    parties.check_fields(errors, ("capacity_building",), building, fields)
    legal = document.get("legal")
    if isinstance(legal, Mapping):
        personal = legal.get("personal_data")
        if isinstance(personal, Mapping):
            path = ("legal", "personal_data", "controller")
            parties.check(errors, path, personal.get("controller"))


AGREEMENT_SCHEMA = AgreementSchema()
