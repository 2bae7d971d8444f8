'use strict';
const fs = require('fs');

/**
 * Reads a JSON file, or returns the fallback when the file does not exist.
 * @param {string} file
 * @param {unknown} fallback
 * @returns {unknown}
 */
function readJsonOr(file, fallback) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return fallback;
    throw error;
  }
  return JSON.parse(text);
}

/**
 * Counts the lines of a text file.
 * @param {string} file
 * @returns {number}
 */
function countLines(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

module.exports = { readJsonOr, countLines };
