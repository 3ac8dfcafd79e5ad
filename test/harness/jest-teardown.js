// Removes the folder jest-setup.js made (the harness's n8n user folders of this run).
'use strict';

const fs = require('fs');

module.exports = async () => {
	const folder = process.env.PIAPI_HARNESS_TMP;
	if (folder) fs.rmSync(folder, { recursive: true, force: true });
};
