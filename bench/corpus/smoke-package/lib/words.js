'use strict';

/**
 * Pluralizes an English noun for a count.
 * @param {string} word
 * @param {number} count
 * @returns {string}
 */
function plural(word, count) {
  if (count === 1) return word;
  if (/(s|x|z|ch|sh)$/.test(word)) return word + 'es';
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  return word + 's';
}

/**
 * Splits text into words, dropping punctuation.
 * @param {string} text
 * @returns {string[]}
 */
function words(text) {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  return text.split(/[^A-Za-z0-9']+/).filter(Boolean);
}

module.exports = { plural, words };
