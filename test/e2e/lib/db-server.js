// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Reads n8n's database with n8n's own modules (sqlite3 or pg, and flatted), so it runs on the
 * Node.js that runs that n8n. One JSON request per stdin line, one JSON answer per stdout line:
 *
 *   node db-server.js <n8n install folder> <database.sqlite | postgres://user:password@host:port/db>
 *   -> {"id":1,"sql":"select ...","params":[],"flatted":["data"]}
 *   <- {"id":1,"rows":[...]}   or   {"id":1,"error":"..."}
 *
 * SQL is written once for both: `?` placeholders (numbered for Postgres here) and double-quoted
 * camelCase columns. Columns named in `flatted` are parsed with flatted (n8n stores execution data
 * that way). A sqlite database is opened read-only for each request, so n8n keeps writing
 * undisturbed.
 */
'use strict';

const path = require('node:path');
const readline = require('node:readline');

const [n8nDir, dbFile] = process.argv.slice(2);
const load = (name) =>
	require(require.resolve(name, { paths: [path.join(n8nDir, 'node_modules', 'n8n'), n8nDir] }));
const { parse } = load('flatted');
const postgres = /^postgres(ql)?:\/\//.test(dbFile) ? new (load('pg').Pool)({ connectionString: dbFile, max: 2 }) : null;

async function queryPostgres(sql, params) {
	let n = 0;
	return (await postgres.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
}

function query(sql, params) {
	if (postgres) return queryPostgres(sql, params);
	const sqlite3 = load('sqlite3');
	return new Promise((resolve, reject) => {
		const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY, (openError) => {
			if (openError) return reject(openError);
			db.configure('busyTimeout', 5000);
			db.all(sql, params, (error, rows) => {
				db.close();
				if (error) reject(error);
				else resolve(rows);
			});
		});
	});
}

let inFlight = 0;
let closed = false;
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
	inFlight++;
	let id = null;
	try {
		const request = JSON.parse(line);
		id = request.id;
		const rows = await query(request.sql, request.params || []);
		for (const row of rows) {
			for (const column of request.flatted || []) {
				if (typeof row[column] === 'string') row[column] = parse(row[column]);
			}
		}
		process.stdout.write(`${JSON.stringify({ id, rows })}\n`);
	} catch (error) {
		process.stdout.write(`${JSON.stringify({ id, error: String(error && error.message) })}\n`);
	}
	inFlight--;
	if (closed && inFlight === 0) leave();
});
function leave() {
	if (postgres) postgres.end().finally(() => process.exit(0));
	else process.exit(0);
}
// Stdin closed: answer what was asked, then leave.
lines.on('close', () => {
	closed = true;
	if (inFlight === 0) leave();
});
