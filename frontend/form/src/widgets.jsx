// The widgets the JSON Schema cannot say by itself: a party picked by name, a
// money amount written the local way, a local date and time without a zone.
import { useEffect, useState } from "react";
import { ariaDescribedByIds } from "@rjsf/utils";

/** A dropdown of the parties entered so far: shows names, stores ids. */
export function PartyWidget(props) {
  const { id, value, required, disabled, readonly, onChange, onBlur, onFocus, registry } = props;
  const { parties = [], words } = registry.formContext || {};
  const known = parties.some((party) => party.id === value);
  return (
    <select
      id={id}
      name={id}
      className="form-control"
      value={value ?? ""}
      required={required}
      disabled={disabled || readonly}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(event) => onChange(event.target.value || undefined)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    >
      <option value="">{words.chooseParty}</option>
      {parties.map((party, index) => (
        <option key={party.id} value={party.id}>
          {party.name || words.partyUnnamed(index + 1)}
        </option>
      ))}
      {value && !known ? <option value={value}>{value}</option> : null}
    </select>
  );
}

/** "85.000,50" in Danish, "85,000.50" in English → "85000.50"; null if not a number. */
export function parseMoney(text, language) {
  const compact = String(text).replace(/[\s\u00a0']/g, "");
  if (!compact) return null;
  const [group, decimal] = language === "da" ? [".", ","] : [",", "."];
  const g = group === "." ? "\\." : ",";
  const d = decimal === "." ? "\\." : ",";
  const grouped = new RegExp(`^\\d{1,3}(${g}\\d{3})+(${d}\\d+)?$`);
  const plain = new RegExp(`^\\d+(${d}\\d+)?$`);
  let number;
  if (grouped.test(compact) || plain.test(compact)) {
    number = compact.split(group).join("").replace(decimal, ".");
  } else if (/^\d+(\.\d+)?$/.test(compact)) {
    number = compact; // the JSON way, in either language
  } else {
    return null;
  }
  return number.replace(/^0+(?=\d)/, "");
}

/** The amount written the local way, for showing. */
export function formatMoney(value, language) {
  if (value === undefined || value === null || value === "") return "";
  const [whole, fraction] = String(value).split(".");
  if (!/^\d+$/.test(whole) || (fraction !== undefined && !/^\d+$/.test(fraction))) {
    return String(value);
  }
  const grouped = new Intl.NumberFormat(language === "da" ? "da-DK" : "en-GB", {
    useGrouping: true,
    maximumFractionDigits: 0,
  }).format(BigInt(whole));
  return fraction === undefined ? grouped : `${grouped}${language === "da" ? "," : "."}${fraction}`;
}

/** A text input for money: keeps what is typed, stores the amount the API reads. */
export function MoneyWidget(props) {
  const { id, value, required, disabled, readonly, onChange, onBlur, onFocus, registry } = props;
  const language = registry.formContext?.language || "en";
  const [text, setText] = useState(() => formatMoney(value, language));
  useEffect(() => {
    // Data loaded from elsewhere (a draft, an import) shows the local way.
    const typed = parseMoney(text, language) ?? (text || undefined);
    if (String(typed ?? "") !== String(value ?? "")) setText(formatMoney(value, language));
  }, [value, language]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <input
      id={id}
      name={id}
      type="text"
      inputMode="decimal"
      autoComplete="off"
      className="form-control money"
      value={text}
      required={required}
      disabled={disabled || readonly}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(event) => {
        const typed = event.target.value;
        setText(typed);
        onChange(typed.trim() ? (parseMoney(typed, language) ?? typed) : undefined);
      }}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    />
  );
}

/** A local date and time (YYYY-MM-DDTHH:MM), without a time zone. */
export function LocalDateTimeWidget(props) {
  const { id, value, required, disabled, readonly, onChange, onBlur, onFocus } = props;
  return (
    <input
      id={id}
      name={id}
      type="datetime-local"
      className="form-control"
      value={value ? String(value).slice(0, 16) : ""}
      required={required}
      disabled={disabled || readonly}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(event) => onChange(event.target.value || undefined)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    />
  );
}
