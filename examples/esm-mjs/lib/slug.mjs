/** A URL slug: lower case, words joined by `-`. */
export function slug(text) {
  if (typeof text !== 'string') throw new TypeError('not a string');
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The words of a text. */
export function words(text) {
  return text.split(/\s+/).filter(Boolean);
}
