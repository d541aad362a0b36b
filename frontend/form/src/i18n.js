// The page's own words in Danish and English. Field labels and help come from
// the JSON Schema (title / x-title-da, description / x-description-da), the
// words for enumerated codes from the server (service/rendering/labels.py).
import { TranslatableString, englishStringTranslator, replaceStringParameters } from "@rjsf/utils";

export const WORDS = {
  da: {
    document: "Dokument",
    documentLanguage: "Dokumentets sprog",
    languages: { da: "Dansk", en: "Engelsk" },
    check: "Tjek",
    download: "Hent Word-dokument",
    checking: "Tjekker …",
    making: "Laver dokumentet …",
    valid: "Alt ser rigtigt ud.",
    invalid: (n) => `${n} ${n === 1 ? "felt skal" : "felter skal"} rettes. Se markeringerne ved felterne.`,
    advice: "Gode råd",
    wholeDocument: "Hele dokumentet",
    downloaded: (name) => `Hentet: ${name}`,
    failed: "Det lykkedes ikke",
    network: "Tjenesten kunne ikke nås. Dine data er gemt i browseren.",
    draftSaved: "Kladden gemmes automatisk i denne browser.",
    exportJson: "Gem data som JSON",
    importJson: "Indlæs data fra JSON",
    importFailed: "Filen kunne ikke læses som JSON",
    clear: "Ryd formularen",
    clearConfirm: "Rydde alle felter i dette dokument?",
    next: (name) => `Brug til næste dokument: ${name}`,
    nextDone: (name) => `Data er ført over til ${name}.`,
    templatesHeading: "Fondens skabeloner (med API-nøgle)",
    apiKey: "API-nøgle",
    apiKeyHelp: "Gemmes kun i denne fane (sessionStorage), aldrig på serveren.",
    loadTemplates: "Hent skabeloner",
    template: "Skabelon",
    builtin: "Standardskabelonen",
    noTemplates: "Ingen skabeloner til dette dokument.",
    choose: "Vælg …",
    chooseParty: "Vælg en part …",
    partyUnnamed: (n) => `Part ${n} (uden navn)`,
    dataHeading: "Data",
    toolsHeading: "Gem, indlæs og fortsæt",
    item: "Nr.",
  },
  en: {
    document: "Document",
    documentLanguage: "Language of the document",
    languages: { da: "Danish", en: "English" },
    check: "Check",
    download: "Download Word document",
    checking: "Checking …",
    making: "Making the document …",
    valid: "Everything looks right.",
    invalid: (n) => `${n} ${n === 1 ? "field needs" : "fields need"} correcting. See the marks beside the fields.`,
    advice: "Advice",
    wholeDocument: "The whole document",
    downloaded: (name) => `Downloaded: ${name}`,
    failed: "That did not work",
    network: "The service could not be reached. Your data is kept in the browser.",
    draftSaved: "The draft is saved automatically in this browser.",
    exportJson: "Save data as JSON",
    importJson: "Load data from JSON",
    importFailed: "The file could not be read as JSON",
    clear: "Clear the form",
    clearConfirm: "Clear every field of this document?",
    next: (name) => `Use for the next document: ${name}`,
    nextDone: (name) => `The data has been carried into the ${name}.`,
    templatesHeading: "Your funder's templates (with an API key)",
    apiKey: "API key",
    apiKeyHelp: "Kept in this tab only (sessionStorage), never on the server.",
    loadTemplates: "Load templates",
    template: "Template",
    builtin: "The built-in template",
    noTemplates: "No templates for this document.",
    choose: "Choose …",
    chooseParty: "Choose a party …",
    partyUnnamed: (n) => `Party ${n} (no name)`,
    dataHeading: "Data",
    toolsHeading: "Save, load and continue",
    item: "No.",
  },
};

const RJSF_DA = {
  [TranslatableString.ArrayItemTitle]: "Punkt",
  [TranslatableString.EmptyArray]: "Ingen endnu. Brug knappen nedenfor for at tilføje.",
  [TranslatableString.YesLabel]: "Ja",
  [TranslatableString.NoLabel]: "Nej",
  [TranslatableString.CloseLabel]: "Luk",
  [TranslatableString.ErrorsLabel]: "Fejl",
  [TranslatableString.NewStringDefault]: "",
  [TranslatableString.AddButton]: "Tilføj",
  [TranslatableString.AddItemButton]: "Tilføj",
  [TranslatableString.CopyButton]: "Kopiér",
  [TranslatableString.MoveDownButton]: "Flyt ned",
  [TranslatableString.MoveUpButton]: "Flyt op",
  [TranslatableString.RemoveButton]: "Fjern",
  [TranslatableString.NowLabel]: "Nu",
  [TranslatableString.ClearLabel]: "Ryd",
  [TranslatableString.ClearButton]: "ryd feltet",
  [TranslatableString.AriaDateLabel]: "Vælg en dato",
  [TranslatableString.DecrementAriaLabel]: "Formindsk med 1",
  [TranslatableString.IncrementAriaLabel]: "Forøg med 1",
  [TranslatableString.OptionalObjectAdd]: "Tilføj oplysninger",
  [TranslatableString.OptionalObjectRemove]: "Fjern oplysningerne",
  [TranslatableString.OptionalObjectEmptyMsg]: "Ingen oplysninger",
};
const RJSF_EN = {
  [TranslatableString.AddItemButton]: "Add",
  [TranslatableString.NewStringDefault]: "",
  [TranslatableString.EmptyArray]: "None yet. Use the button below to add one.",
};

/** RJSF's translateString for ``language``. */
export function rjsfTranslator(language) {
  const table = language === "da" ? RJSF_DA : RJSF_EN;
  return (key, params) =>
    key in table ? replaceStringParameters(table[key], params) : englishStringTranslator(key, params);
}

// The service words its problems in English; the Danish page says the common
// ones in Danish (the rest stay as the service wrote them).
const PROBLEMS_DA = [
  [/^Missing data for required field\.$/, () => "Skal udfyldes."],
  [/^Must not be empty\.$/, () => "Må ikke være tom."],
  [/^Field may not be null\.$/, () => "Skal udfyldes."],
  [/^Unknown field\.$/, () => "Ukendt felt."],
  [/^Not a valid e-mail address\.$/, () => "Ikke en gyldig e-mailadresse."],
  [/^Not a valid web address.*$/, () => "Ikke en gyldig webadresse: skriv hele adressen med http:// eller https://."],
  [/^Not a valid date\..*$/, () => "Ikke en gyldig dato."],
  [/^Not a valid date and time\..*$/, () => "Ikke et gyldigt tidspunkt."],
  [/^Not a valid amount: use a number.*$/, () => "Ikke et gyldigt beløb: skriv fx 85.000,50."],
  [/^Must not be negative\.$/, () => "Må ikke være negativ."],
  [/^Too long: at most (\d+) characters\.$/, (m) => `For lang: højst ${m[1]} tegn.`],
  [/^Must be between (\d+) and (\d+)\.$/, (m) => `Skal være mellem ${m[1]} og ${m[2]}.`],
  [/^Must be after start_date \((.+)\)\.$/, (m) => `Skal ligge efter startdatoen (${m[1]}).`],
  [/^Must not be before start \((.+)\)\.$/, (m) => `Må ikke ligge før start (${m[1]}).`],
  [/^A partnership needs at least two parties\.$/, () => "Et partnerskab skal have mindst to parter."],
  [/^Give at least one goal\.$/, () => "Angiv mindst ét mål."],
  [/^Give at least one role\.$/, () => "Angiv mindst én rolle."],
  [/^Unknown party '(.+)'\. Declared parties: (.*)\.$/, (m) => `Ukendt part '${m[1]}'. Parterne er: ${m[2]}.`],
  [
    /^Party '(.+)' \(parties\[\d+\]\) is dependent on its partners: the agreement needs a phase-out plan\.$/,
    (m) => `Parten '${m[1]}' er afhængig af sine partnere: aftalen skal have en udfasningsplan.`,
  ],
  [
    /^Party '(.+)' \(parties\[\d+\]\) is dependent on its partners: the agreement needs capacity building with '.+' as beneficiary\.$/,
    (m) => `Parten '${m[1]}' er afhængig af sine partnere: aftalen skal have kapacitetsopbygning med parten som modtager.`,
  ],
];

/** A problem's message in the page's language, when we know its Danish. */
export function problemText(message, language) {
  if (language !== "da") return message;
  for (const [pattern, say] of PROBLEMS_DA) {
    const match = pattern.exec(message);
    if (match) return say(match);
  }
  return message;
}
