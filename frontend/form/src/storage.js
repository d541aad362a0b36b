// What the browser keeps: a draft per kind and the last kind (localStorage,
// survives reloads), the API key (sessionStorage: this tab only).
export const KIND_KEY = "partnerdocs.kind";
export const KEY_KEY = "partnerdocs.apiKey";

export const draftKey = (kind) => `partnerdocs.draft.${kind}`;

/** The kept draft of ``kind``, or a new one in the page's language. */
export function loadDraft(kind, language) {
  try {
    const kept = JSON.parse(localStorage.getItem(draftKey(kind)) || "null");
    if (kept && typeof kept === "object" && !Array.isArray(kept)) return kept;
  } catch {
    // A broken draft is no draft.
  }
  return { language };
}

export function saveDraft(kind, data) {
  try {
    localStorage.setItem(draftKey(kind), JSON.stringify(data));
  } catch {
    // Storage full or refused: the form still works, unsaved.
  }
}
