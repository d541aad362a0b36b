"""Localised words for the data contract's enumerated codes."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # Degrees of working together (partnership_type).
    "network": {"da": "netværk", "en": "network"},
    "coordination": {"da": "koordinering", "en": "coordination"},
    "cooperation": {"da": "samarbejde", "en": "cooperation"},
    "partnership": {"da": "partnerskab", "en": "partnership"},
    # Sectors.
    "public": {"da": "offentlig", "en": "public"},
    "private": {"da": "privat", "en": "private"},
    "voluntary": {"da": "frivillig", "en": "voluntary"},
    # Goal kinds.
    "impact": {"da": "effektmål", "en": "impact goal"},
    "relationship": {"da": "relationsmål", "en": "relationship goal"},
    # External funding status.
    "planned": {"da": "planlagt", "en": "planned"},
    "applied": {"da": "ansøgt", "en": "applied for"},
    "granted": {"da": "bevilget", "en": "granted"},
    "rejected": {"da": "afslået", "en": "rejected"},
    # Bottom lines.
    "artistic": {"da": "kunstnerisk", "en": "artistic"},
    "cultural": {"da": "kulturel", "en": "cultural"},
    "economic": {"da": "økonomisk", "en": "economic"},
    "social": {"da": "social", "en": "social"},
    "green": {"da": "grøn", "en": "green"},
    "educational": {"da": "uddannelsesmæssig", "en": "educational"},
    "health": {"da": "sundhedsmæssig", "en": "health"},
    # What an agreement sets out (agreement_topics, in its introduction).
    "topic_aims": {
        "da": "hvad parterne vil skabe sammen",
        "en": "what the parties will create together",
    },
    "topic_contributions": {
        "da": "hvad hver part bidrager med",
        "en": "what each party contributes",
    },
    "topic_expectations": {
        "da": "hvad parterne forventer",
        "en": "what the parties expect",
    },
    "topic_roles": {"da": "hvem der gør hvad", "en": "who does what"},
    "topic_governance": {
        "da": "hvordan samarbejdet ledes",
        "en": "how the cooperation is run",
    },
    "topic_follow_up": {
        "da": "hvordan der følges op",
        "en": "how progress is reviewed",
    },
    "topic_ending": {
        "da": "hvordan aftalen ophører",
        "en": "how the agreement ends",
    },
    # Language versions (legal.prevailing_language).
    "da": {"da": "danske", "en": "Danish"},
    "en": {"da": "engelske", "en": "English"},
    # Document kinds.
    "agreement": {"da": "partnerskabsaftale", "en": "partnership agreement"},
    "understanding": {"da": "forståelsespapir", "en": "memorandum of understanding"},
    "first_contact": {
        "da": "henvendelse om et første møde",
        "en": "first-contact letter",
    },
}


def label(code: str, language: str) -> str:
    """Return the word for ``code`` in ``language``, or the code itself if unknown."""
    return LABELS.get(code, {}).get(language, code)
