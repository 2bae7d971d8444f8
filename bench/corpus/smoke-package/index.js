'use strict';
// Re-exports in the CommonJS style most corpus packages use.
module.exports = {
  ...require('./lib/words'),
  ...require('./lib/files'),
};
