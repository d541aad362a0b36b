// Talking to the service: the same /v1 endpoints any client uses.

/** POST the data as JSON; the response with its parsed JSON body when it has one. */
export async function postJson(url, data, apiKey) {
  const headers = { "Content-Type": "application/json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  return fetch(url, { method: "POST", headers, body: JSON.stringify(prune(data) ?? {}) });
}

/** The body of an error answer: {code, status, message, errors}. */
export async function errorBody(response) {
  try {
    return await response.json();
  } catch {
    return { code: response.status, message: response.statusText, errors: [] };
  }
}

/** The file name from Content-Disposition (filename*=UTF-8''… first). */
export function filenameFrom(disposition, fallback) {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Save a Blob under ``name`` through the browser's download. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "parties[0].name" → ["parties", 0, "name"]. */
export function pathParts(path) {
  const parts = [];
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(index !== undefined ? Number(index) : key);
  }
  return parts;
}

/** The data without what the person left empty: blank text, and objects with
 * nothing in them (an untouched representative is no representative). List
 * items stay, so the service's paths still point at the right item. */
export function prune(value) {
  if (Array.isArray(value)) {
    return value.map((item) => {
      const kept = prune(item);
      if (kept !== undefined) return kept;
      if (item && typeof item === "object") return Array.isArray(item) ? [] : {};
      return item ?? null;
    });
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = prune(item);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof value === "string" && !value.trim()) return undefined;
  return value;
}
