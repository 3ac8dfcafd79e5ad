// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * `npm run test:e2e`: the package in a real headless n8n, 2.41.1 on Node.js 24 and 1.123.81 on
 * Node.js 20, against the PiAPI simulator. See docs/development.md, "End-to-end tests".
 *
 * Environment:
 *   PIAPI_E2E_VERSIONS  which n8n versions to run, comma-separated: v2,v1 (default both)
 *   PIAPI_E2E_CACHE     where n8n and Node.js 24 are installed (default ~/.cache/n8n-nodes-piapi-diffrhythm/e2e)
 *   PIAPI_E2E_KEEP=1    keep each run's folder (n8n user folder, logs) even when everything passed
 *   PIAPI_E2E_ONLY      a regular expression: run only the scenarios whose title matches (e.g. MCP)
 *   PIAPI_E2E_MCP_FULL=1  the MCP scenarios at full scale: tool bound 40 s, render 70 s, client 60 s
 */
'use strict';

const { runVersions } = require('./lib/report');
const { runVersion } = require('./lib/scenarios');

runVersions('e2e', runVersion);
