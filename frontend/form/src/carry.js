// "Use for the next document": the guides' sequence first contact →
// understanding paper → agreement, carrying what the documents share.

export const NEXT = { first_contact: "understanding", understanding: "agreement" };

/** The data of ``from`` as a start on ``to``: the fields ``to`` also has. */
export function carry(from, data, targetProperties) {
  const source = from === "first_contact" ? letterAsPartnership(data) : data;
  const carried = {};
  for (const [key, value] of Object.entries(source)) {
    if (targetProperties.has(key) && value !== undefined) carried[key] = structuredClone(value);
  }
  return carried;
}

function letterAsPartnership(letter) {
  const sender = { ...(letter.sender || {}) };
  if (!sender.id) sender.id = "party-1";
  if (!sender.contributions?.length && letter.offer?.length) sender.contributions = letter.offer;
  const recipient = letter.recipient || {};
  const partner = { id: sender.id === "party-2" ? "party-3" : "party-2" };
  if (recipient.organisation) partner.name = recipient.organisation;
  if (recipient.address) partner.address = recipient.address;
  if (recipient.person) partner.contact_person = recipient.person;
  return {
    language: letter.language,
    title: letter.subject,
    purpose: letter.idea,
    background: letter.why_you,
    parties: [sender, partner],
  };
}

/** Give every party an id (party-1, party-2 …) that no other party has. */
export function withPartyIds(data) {
  if (!Array.isArray(data?.parties)) return data;
  const used = data.parties.map((party) => party?.id).filter(Boolean);
  if (used.length === data.parties.length && new Set(used).size === used.length) return data;
  let next = 1 + Math.max(0, ...used.map((id) => Number(/^party-(\d+)$/.exec(id)?.[1] || 0)));
  const seen = new Set();
  const parties = data.parties.map((party) => {
    const item = { ...(party || {}) };
    if (!item.id || seen.has(item.id)) item.id = `party-${next++}`;
    seen.add(item.id);
    return item;
  });
  return { ...data, parties };
}
