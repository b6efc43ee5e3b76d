// The run's temporary directory and its one PostgreSQL server (vitest.config.ts names this file as
// globalSetup). Here only directories are made: TMPDIR for every temporary file of the run, and in
// it one for the server, which the first test that needs PostgreSQL starts there
// (test/helpers/postgres.ts), so a run without such a test starts none. After the run, tests passed
// or not (or on Ctrl-C), whatever server was started is stopped and the directory removed.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopPostgres } from '../scripts/pg-cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory the run's PostgreSQL server is started in (test/helpers/postgres.ts). */
    postgresRun: string;
  }
}

export default function setup(project: TestProject) {
  // Every temporary file of the run (the tests' own directories, the CLI's, DuckDB's, the
  // PostgreSQL server's) in one directory removed after the run: tests make theirs with
  // mkdtemp(tmpdir()) and most left them behind (about 90 directories a run). Set before the
  // workers start, so they and the processes they spawn inherit it.
  const temp = mkdtempSync(join(tmpdir(), 'trial-screen-tests-'));
  chmodSync(temp, 0o755);
  process.env.TMPDIR = temp;
  const run = mkdtempSync(join(temp, 'trial-screen-pg-run-'));
  // As root the server runs as the `postgres` user, who must reach its directory inside this one.
  chmodSync(run, 0o755);
  project.provide('postgresRun', run);
  const stopAll = () => {
    try {
      for (const entry of readdirSync(run, { withFileTypes: true })) if (entry.isDirectory() && entry.name.startsWith('trial-screen-pg-')) stopPostgres(join(run, entry.name));
    } finally {
      rmSync(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    }
  };
  // Ctrl-C: vitest exits without running teardowns, and the server (started by pg_ctl in a session
  // of its own) does not get the signal: stopped on the way out (stopPostgres is synchronous).
  process.once('exit', stopAll);
  return () => {
    process.off('exit', stopAll);
    stopAll();
  };
}
