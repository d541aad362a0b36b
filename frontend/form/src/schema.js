// From the kind's JSON Schema (GET /v1/schemas/<kind>) to what RJSF renders:
// labels and help in the page's language, words for enumerated codes, and a
// uiSchema that picks the widgets (text areas, money, party dropdowns …).

const LONG_TEXT = 500; // longer fields get a text area

/** A copy of ``schema`` in ``language``: titles and help, money as text. */
export function localise(schema, language) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) out[key] = walk(value);
    if (language === "da") {
      if (node["x-title-da"]) out.title = node["x-title-da"];
      if (node["x-description-da"]) out.description = node["x-description-da"];
    }
    if (node.type === "number") {
      // Amounts travel as text ("85000.50"): the API reads them exactly.
      out.type = "string";
      out["x-money"] = true;
      delete out.minimum;
      delete out.maximum;
    }
    return out;
  };
  return walk(schema);
}

/** Words for enumerated codes: the server's labels, then the browser's names
 * of countries and currencies. */
export function enumWords(language, labels, words) {
  const regions = displayNames(language, "region");
  const currencies = displayNames(language, "currency");
  return (code) => {
    if (labels[code]?.[language]) return capitalise(labels[code][language]);
    if (words.languages[code]) return words.languages[code];
    if (/^[A-Z]{2}$/.test(code) && regions) return `${regions.of(code)} (${code})`;
    if (/^[A-Z]{3}$/.test(code) && currencies) {
      const name = currencies.of(code);
      return name && name !== code ? `${code} – ${name}` : code;
    }
    return code;
  };
}

function displayNames(language, type) {
  try {
    return new Intl.DisplayNames([language], { type });
  } catch {
    return null;
  }
}

/** The uiSchema for a localised schema of a kind with its party references. */
export function uiSchemaFor(schema, partyReferences, enumWord, order) {
  const resolve = (node) => {
    if (node && typeof node.$ref === "string" && node.$ref.startsWith("#/$defs/")) {
      const { $ref, ...rest } = node;
      return { ...resolve(schema.$defs[$ref.slice(8)]), ...rest };
    }
    return node;
  };
  const walk = (raw) => {
    const node = resolve(raw) || {};
    const ui = {};
    if (node.type === "object") {
      for (const [key, child] of Object.entries(node.properties || {})) {
        const childUi = walk(child);
        if (Object.keys(childUi).length) ui[key] = childUi;
      }
    } else if (node.type === "array") {
      const items = walk(node.items);
      if (Object.keys(items).length) ui.items = items;
      const itemNode = resolve(node.items) || {};
      if (Array.isArray(itemNode.enum) && node.uniqueItems) {
        ui["ui:widget"] = "checkboxes";
        ui["ui:enumNames"] = items["ui:enumNames"];
      }
    } else if (Array.isArray(node.enum)) {
      // A select showing words; the value stays the code.
      ui["ui:enumNames"] = Object.fromEntries(node.enum.map((code) => [code, enumWord(code)]));
    } else if (node["x-money"]) {
      ui["ui:widget"] = "money";
    } else if (node.format === "date-time") {
      ui["ui:widget"] = "localDateTime";
    } else if (node.type === "string" && !node.format && node.maxLength > LONG_TEXT) {
      ui["ui:widget"] = "textarea";
      ui["ui:options"] = { rows: 4 };
    }
    return ui;
  };
  const ui = mergeOrder(walk(schema), order);
  for (const key of ["language", "extra"]) ui[key] = { "ui:widget": "hidden" };
  // Party ids are made for the person (party-1, party-2 …) and shown by name.
  for (const holder of ["parties", "sender"]) {
    if (!schema.properties?.[holder]) continue;
    const target = holder === "parties" ? ((ui.parties ||= {}).items ||= {}) : (ui.sender ||= {});
    target.id = { "ui:widget": "hidden" };
  }
  for (const path of partyReferences) setPath(ui, path, { "ui:widget": "party" });
  ui["ui:submitButtonOptions"] = { norender: true };
  return ui;
}

/** Lay the fields out in the order the schemas declare them (the served
 * JSON Schema lists properties alphabetically). */
function mergeOrder(ui, order) {
  if (!order) return ui;
  const out = { ...ui };
  for (const [key, value] of Object.entries(order)) {
    out[key] = key === "ui:order" ? value : mergeOrder(ui[key] || {}, value);
  }
  return out;
}

function setPath(ui, path, value) {
  const parts = path.split(".").map((part) => (part === "*" ? "items" : part));
  let node = ui;
  for (const part of parts.slice(0, -1)) node = node[part] ||= {};
  const last = parts[parts.length - 1];
  node[last] = { ...(node[last] || {}), ...value };
}

/** The top-level property names of a schema (to carry data between kinds). */
export function propertyNames(schema) {
  return new Set(Object.keys(schema.properties || {}));
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
