// The form at GET /: one page for the three kinds, built from each kind's JSON
// Schema by react-jsonschema-form. The server validates (POST /v1/validate) and
// renders (POST /v1/documents); the browser keeps the draft.
import { createRoot } from "react-dom/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import Form from "@rjsf/core/lib/components/Form.js"; // not the index: it pulls in ajv for tests
import { WORDS, problemText, rjsfTranslator } from "./i18n.js";
import { enumWords, localise, propertyNames, uiSchemaFor } from "./schema.js";
import { LocalDateTimeWidget, MoneyWidget, PartyWidget } from "./widgets.jsx";
import { templates } from "./templates.jsx";
import { NEXT, carry, withPartyIds } from "./carry.js";
import { errorBody, filenameFrom, pathParts, postJson, prune, saveBlob } from "./api.js";
import { validator } from "./validator.js";
import { draftKey, loadDraft, saveDraft, KIND_KEY, KEY_KEY } from "./storage.js";

const config = JSON.parse(document.getElementById("form-config").textContent);
const words = WORDS[config.language];
const kinds = Object.fromEntries(config.kinds.map((kind) => [kind.kind, kind]));
const widgets = { party: PartyWidget, money: MoneyWidget, localDateTime: LocalDateTimeWidget };
const schemas = {};
const enumWord = enumWords(config.language, config.labels, words);

async function fetchSchema(kind) {
  if (!schemas[kind]) {
    const response = await fetch(kinds[kind].schema);
    const raw = await response.json();
    const schema = localise(raw, config.language);
    delete schema.title; // the page's heading names the document
    delete schema.description;
    const { partyReferences, order } = kinds[kind];
    const ui = uiSchemaFor(schema, partyReferences, enumWord, order);
    schemas[kind] = { kind, schema, ui };
  }
  return schemas[kind];
}

/** Labels along a path ("Parter › 2 › Navn"), from the localised schema. */
function fieldName(schema, parts) {
  const names = [];
  let node = schema;
  const resolve = (n) => (n?.$ref ? { ...schema.$defs[n.$ref.slice(8)], ...n } : n);
  for (const part of parts) {
    node = resolve(node);
    if (typeof part === "number") {
      names.push(String(part + 1));
      node = node?.items;
    } else {
      node = resolve(node?.properties?.[part]);
      names.push(node?.title || part);
    }
  }
  return names.join(" › ");
}

/** The 422's problems as RJSF's errorSchema, and as a list with field names. */
function placeProblems(schema, problems) {
  const errorSchema = {};
  const listed = [];
  for (const problem of problems) {
    const message = problemText(problem.message, config.language);
    let parts = pathParts(problem.path || "");
    // The party id is made for the person: show its problems at the name.
    if (parts.length === 3 && parts[0] === "parties" && parts[2] === "id") parts = ["parties", parts[1], "name"];
    if (parts.length === 2 && parts[0] === "sender" && parts[1] === "id") parts = ["sender", "name"];
    const hidden = parts[0] === "language" || parts[0] === "extra";
    if (parts.length && !hidden) {
      let node = errorSchema;
      for (const part of parts) node = node[part] ||= {};
      (node.__errors ||= []).push(message);
    }
    listed.push({
      id: parts.length && !hidden ? `root_${parts.join("_")}` : null,
      name: parts.length ? fieldName(schema, parts) : words.wholeDocument,
      message,
    });
  }
  return { errorSchema, listed };
}

function App() {
  const [kind, setKind] = useState(() => {
    const kept = localStorage.getItem(KIND_KEY);
    return kinds[kept] ? kept : "agreement";
  });
  const [found, setLoaded] = useState(null);
  // Only the schema of the kind shown: a form of the previous kind must never
  // mount on this kind's data (its defaults would leak into the draft).
  const loaded = found?.kind === kind ? found : null;
  const [formData, setFormData] = useState(() => loadDraft(kind, config.language));
  const [extraErrors, setExtraErrors] = useState({});
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState(null);
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(KEY_KEY) || "");
  const [funderTemplates, setFunderTemplates] = useState(null);
  const [templateId, setTemplateId] = useState("");
  const reportRef = useRef(null);

  useEffect(() => {
    let live = true;
    setLoaded(null);
    fetchSchema(kind).then((found) => live && setLoaded(found));
    localStorage.setItem(KIND_KEY, kind);
    return () => {
      live = false;
    };
  }, [kind]);

  useEffect(() => {
    if (report) reportRef.current?.focus();
  }, [report]);

  const switchKind = (next, data) => {
    setKind(next);
    setFormData(data ?? loadDraft(next, config.language));
    setExtraErrors({});
    setReport(null);
    setTemplateId("");
  };

  const onChange = useCallback(
    ({ formData: changed }) => {
      const data = withPartyIds(changed);
      setFormData(data);
      saveDraft(kind, data);
    },
    [kind],
  );

  const parties = useMemo(
    () =>
      (formData?.parties || [])
        .filter((party) => party?.id)
        .map((party) => ({ id: party.id, name: party.name })),
    [formData?.parties],
  );
  const formContext = useMemo(
    () => ({ parties, words, language: config.language }),
    [parties],
  );

  const showProblems = (body) => {
    const { errorSchema, listed } = placeProblems(loaded.schema, body.errors || []);
    setExtraErrors(errorSchema);
    setReport({ kind: "invalid", message: words.invalid(listed.length), problems: listed });
  };
  const showWarnings = (message, warnings) => {
    const { listed } = placeProblems(loaded.schema, warnings);
    setExtraErrors({});
    setReport({ kind: "ok", message, warnings: listed });
  };
  const showFailure = (body) => {
    setReport({ kind: "failed", message: `${words.failed}: ${body.message}`, problems: [] });
  };

  const request = async (label, run) => {
    setBusy(label);
    try {
      await run();
    } catch (error) {
      setReport({ kind: "failed", message: words.network, problems: [] });
    } finally {
      setBusy(null);
    }
  };

  const check = () =>
    request(words.checking, async () => {
      const response = await postJson(kinds[kind].validate, formData);
      const body = await errorBody(response);
      if (response.ok) showWarnings(words.valid, body.warnings || []);
      else if (response.status === 422 && body.errors?.length) showProblems(body);
      else showFailure(body);
    });

  const download = () =>
    request(words.making, async () => {
      let url = kinds[kind].render;
      if (templateId) url += `?template=${encodeURIComponent(templateId)}`;
      const response = await postJson(url, formData, templateId ? apiKey : null);
      if (!response.ok) {
        const body = await errorBody(response);
        if (response.status === 422 && body.errors?.length) showProblems(body);
        else showFailure(body);
        return;
      }
      const name = filenameFrom(response.headers.get("Content-Disposition"), `${kind}.docx`);
      saveBlob(await response.blob(), name);
      let warnings = [];
      try {
        warnings = JSON.parse(response.headers.get("X-Document-Warnings") || "[]");
      } catch {
        warnings = [];
      }
      showWarnings(words.downloaded(name), warnings);
    });

  const exportJson = () => {
    const blob = new Blob([JSON.stringify(prune(formData) ?? {}, null, 2)], { type: "application/json" });
    saveBlob(blob, `${kind}.json`);
  };
  const importJson = async (event) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    try {
      const data = withPartyIds(JSON.parse(await file.text()));
      if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error("not an object");
      setFormData(data);
      saveDraft(kind, data);
      setExtraErrors({});
      setReport(null);
    } catch (error) {
      setReport({ kind: "failed", message: `${words.importFailed}: ${file.name}`, problems: [] });
    }
  };
  const clear = () => {
    if (!window.confirm(words.clearConfirm)) return;
    localStorage.removeItem(draftKey(kind));
    setFormData(loadDraft(kind, config.language));
    setExtraErrors({});
    setReport(null);
  };
  const useForNext = async () => {
    const next = NEXT[kind];
    const target = await fetchSchema(next);
    const data = withPartyIds({
      ...loadDraft(next, config.language),
      ...carry(kind, formData || {}, propertyNames(target.schema)),
    });
    saveDraft(next, data);
    switchKind(next, data);
    setReport({ kind: "ok", message: words.nextDone(kinds[next].names[config.language]), warnings: [] });
  };

  const loadTemplates = () =>
    request(words.loadTemplates, async () => {
      const response = await fetch(config.templates, { headers: { Authorization: `Bearer ${apiKey}` } });
      if (!response.ok) {
        showFailure(await errorBody(response));
        setFunderTemplates(null);
        return;
      }
      setFunderTemplates(await response.json());
    });
  const forKind = (funderTemplates || []).filter((template) => template.kind === kind);
  const documentLanguage = formData?.language || config.language;

  return (
    <>
      <section className="choose" aria-labelledby="choose-heading">
        <h2 id="choose-heading" className="visually-hidden">{words.document}</h2>
        <div className="row">
          <label htmlFor="kind">{words.document}</label>
          <select id="kind" value={kind} onChange={(event) => switchKind(event.target.value)}>
            {config.kinds.map((each) => (
              <option key={each.kind} value={each.kind}>
                {capitalise(each.names[config.language])}
              </option>
            ))}
          </select>
        </div>
        <div className="row">
          <label htmlFor="document-language">{words.documentLanguage}</label>
          <select
            id="document-language"
            value={documentLanguage}
            onChange={(event) => onChange({ formData: { ...formData, language: event.target.value } })}
          >
            {config.languages.map((each) => (
              <option key={each} value={each}>{words.languages[each]}</option>
            ))}
          </select>
        </div>
        <p className="hint">{words.draftSaved}</p>
      </section>

      {report ? <Report report={report} reportRef={reportRef} /> : null}

      {loaded ? (
        <Form
          key={kind}
          schema={loaded.schema}
          uiSchema={loaded.ui}
          formData={formData}
          onChange={onChange}
          validator={validator}
          noValidate
          showErrorList={false}
          extraErrors={extraErrors}
          widgets={widgets}
          templates={templates}
          formContext={formContext}
          translateString={rjsfTranslator(config.language)}
          idPrefix="root"
        />
      ) : (
        <p>…</p>
      )}

      <section className="actions" aria-label={words.check}>
        <button type="button" id="check" className="button primary" onClick={check} disabled={!loaded || !!busy}>
          {words.check}
        </button>
        <button type="button" id="download" className="button primary" onClick={download} disabled={!loaded || !!busy}>
          {words.download}
        </button>
        <span role="status" className="busy">{busy || ""}</span>
      </section>

      <section className="tools" aria-labelledby="tools-heading">
        <h2 id="tools-heading">{words.toolsHeading}</h2>
        <div className="buttons">
          <button type="button" id="export" className="button" onClick={exportJson}>{words.exportJson}</button>
          <input id="import" type="file" accept="application/json,.json" className="visually-hidden" onChange={importJson} />
          <label className="button file-button" htmlFor="import">{words.importJson}</label>
          {NEXT[kind] ? (
            <button type="button" id="next-document" className="button" onClick={useForNext}>
              {words.next(kinds[NEXT[kind]].names[config.language])}
            </button>
          ) : null}
          <button type="button" id="clear" className="button danger" onClick={clear}>{words.clear}</button>
        </div>
      </section>

      <section className="funder" aria-labelledby="funder-heading">
        <h2 id="funder-heading">{words.templatesHeading}</h2>
        <div className="row">
          <label htmlFor="api-key">{words.apiKey}</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            value={apiKey}
            aria-describedby="api-key-help"
            onChange={(event) => {
              setApiKey(event.target.value);
              sessionStorage.setItem(KEY_KEY, event.target.value);
            }}
          />
          <p id="api-key-help" className="hint">{words.apiKeyHelp}</p>
          <button type="button" id="load-templates" className="button" onClick={loadTemplates} disabled={!apiKey || !!busy}>
            {words.loadTemplates}
          </button>
        </div>
        {funderTemplates ? (
          forKind.length ? (
            <div className="row">
              <label htmlFor="template">{words.template}</label>
              <select id="template" value={templateId} onChange={(event) => setTemplateId(event.target.value)}>
                <option value="">{words.builtin}</option>
                {forKind.map((template) => (
                  <option key={template.id} value={template.id}>{template.name}</option>
                ))}
              </select>
            </div>
          ) : (
            <p>{words.noTemplates}</p>
          )
        ) : null}
      </section>
    </>
  );
}

function Report({ report, reportRef }) {
  const items = report.problems?.length ? report.problems : report.warnings || [];
  return (
    <section
      id="report"
      className={`report report-${report.kind}`}
      tabIndex={-1}
      ref={reportRef}
      role={report.kind === "ok" ? "status" : "alert"}
    >
      <p className="report-message">{report.message}</p>
      {report.warnings?.length ? <h2 className="advice">{words.advice}</h2> : null}
      {items.length ? (
        <ul>
          {items.map((item, index) => (
            <li key={index}>
              {item.id ? <a href={`#${item.id}`} onClick={(event) => focusField(event, item.id)}>{item.name}</a> : <strong>{item.name}</strong>}
              {": "}
              {item.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function focusField(event, id) {
  const field = document.getElementById(id);
  if (!field) return;
  event.preventDefault();
  field.scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

createRoot(document.getElementById("app")).render(<App />);
