// @ts-check
// Preloaded into the ff-lens process by the fault suite: its peak resident memory, written at exit.
'use strict';
const fs = require('node:fs');
const file = process.env.FF_PEAK_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // nowhere to say it
    }
  });
}
