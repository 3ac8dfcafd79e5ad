// One temporary folder for every n8n user folder the harness makes during a jest run; the
// teardown removes it. A jest worker that is killed at the end never runs its own exit handlers.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
	process.env.PIAPI_HARNESS_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-jest-'));
};
