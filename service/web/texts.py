"""The words the server writes on the form's pages, in Danish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Partnerskabsdokumenter",
        "tagline": "Udfyld det, du ved, og hent et færdigt Word-dokument.",
        "switch": "Sprog",
        "noscript": (
            "Formularen kræver JavaScript. Uden JavaScript kan du sende dine data "
            "som JSON i feltet data med en almindelig HTML-formular."
        ),
        "loading": "Henter formularen …",
        "error_title": "Dokumentet kunne ikke laves",
        "error_field": "Felt",
        "error_problem": "Problem",
        "error_whole": "hele dokumentet",
        "error_back": "Gå tilbage, ret data og prøv igen.",
        "missing_data": "Formularen sendte intet felt med navnet data.",
        "bad_json": "Feltet data er ikke gyldig JSON",
        "unknown_kind": "Ukendt dokumenttype",
        "invalid": "Dokumentet er ikke gyldigt. Ret disse felter:",
    },
    "en": {
        "title": "Partnership documents",
        "tagline": "Fill in what you know and get a finished Word document.",
        "switch": "Language",
        "noscript": (
            "The form needs JavaScript. Without JavaScript, post your data as "
            "JSON in a field named data from a plain HTML form."
        ),
        "loading": "Loading the form …",
        "error_title": "The document could not be made",
        "error_field": "Field",
        "error_problem": "Problem",
        "error_whole": "the whole document",
        "error_back": "Go back, correct the data and try again.",
        "missing_data": "The form sent no field named data.",
        "bad_json": "The field data is not valid JSON",
        "unknown_kind": "Unknown document kind",
        "invalid": "The document is not valid. Correct these fields:",
    },
}
