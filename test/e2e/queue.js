// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * `npm run test:queue`: the package on n8n in queue mode (1 main, 2 workers, 1 webhook process,
 * Postgres and Redis from Debian's packages) against the PiAPI simulator, on 2.41 (Node.js 24) and
 * 1.123 (Node.js 20). See docs/development.md, "End-to-end tests".
 *
 * Environment:
 *   PIAPI_E2E_VERSIONS  which n8n versions to run, comma-separated: v2,v1 (default both)
 *   PIAPI_E2E_CACHE     where n8n and Node.js 24 are installed (shared with npm run test:e2e)
 *   PIAPI_E2E_KEEP=1    keep the run's folders (logs, user folders, Postgres data) even when everything passed
 */
'use strict';

const { runVersions } = require('./lib/report');
const { runQueue } = require('./lib/queue-scenarios');

runVersions('queue e2e', runQueue);
