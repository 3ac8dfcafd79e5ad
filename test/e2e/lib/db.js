// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Reads executions from a running (or stopped) n8n's database (sqlite file or Postgres URL) through
 * db-server.js, which runs on that n8n's Node.js with n8n's own sqlite3 or pg, and flatted.
 */
'use strict';

const path = require('node:path');

const { startProcess, stopProcess } = require('./util');

class ExecutionDb {
	constructor({ node, n8nDir, dbFile, env, logFile }) {
		this.proc = startProcess('db reader', node, [path.join(__dirname, 'db-server.js'), n8nDir, dbFile], {
			env,
			logFile,
			stdin: 'pipe',
		});
		this.pending = new Map();
		this.nextId = 1;
		let buffer = '';
		this.proc.child.stdout.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			let newline;
			while ((newline = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 1);
				let answer;
				try {
					answer = JSON.parse(line);
				} catch {
					continue;
				}
				const waiter = this.pending.get(answer.id);
				if (!waiter) continue;
				this.pending.delete(answer.id);
				if (answer.error) waiter.reject(new Error(`sqlite: ${answer.error}`));
				else waiter.resolve(answer.rows);
			}
		});
		this.proc.exited.then(() => {
			for (const waiter of this.pending.values()) {
				waiter.reject(new Error(`the database reader exited: ${this.proc.output().slice(-2000)}`));
			}
			this.pending.clear();
		});
	}

	query(sql, params = [], flatted = []) {
		if (this.proc.done) return Promise.reject(new Error('the database reader is not running'));
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.proc.child.stdin.write(`${JSON.stringify({ id, sql, params, flatted })}\n`);
		});
	}

	/** Executions (without data), newest last; optionally of one workflow. */
	executions(workflowId) {
		const where = workflowId ? 'where "workflowId" = ?' : '';
		return this.query(
			`select id, "workflowId", mode, status, finished, "startedAt", "stoppedAt", "waitTill" from execution_entity ${where} order by id`,
			workflowId ? [workflowId] : [],
		);
	}

	/** One execution with its run data (`data`, parsed), or undefined. */
	async execution(id) {
		const rows = await this.query(
			`select e.id, e."workflowId", e.mode, e.status, e.finished, e."waitTill", d.data from execution_entity e
			 left join execution_data d on d."executionId" = e.id where e.id = ?`,
			[Number(id)],
			['data'],
		);
		return rows[0];
	}

	async close() {
		if (this.proc.done) return;
		this.proc.child.stdin.end();
		await Promise.race([this.proc.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
		await stopProcess(this.proc, { graceMs: 1000 });
	}
}

module.exports = { ExecutionDb };
