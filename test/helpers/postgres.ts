// The run's one PostgreSQL server (scripts/pg-cluster.mjs), and a fresh database in it for each
// test that needs one. Starting a cluster (initdb, pg_ctl start) costs about a second of CPU; a
// database about 50 ms. test/global-setup.ts gives the run a directory and, after the run, stops
// the server and removes it; the first test (in whichever worker) to ask starts the server there,
// under a lock, and the other workers wait for it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { startPostgres } from '../../scripts/pg-cluster.mjs';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  /** The server's directory: the server (its own user) reads files here, e.g. for COPY. */
  dir: string;
}

let server: Promise<PostgresServer> | undefined;

/** The run's server, started by the first caller of the run. */
export function sharedPostgres(): Promise<PostgresServer> {
  server ??= startOnce();
  return server;
}

async function startOnce(): Promise<PostgresServer> {
  const run = inject('postgresRun');
  if (!run) throw new Error('no directory for the PostgreSQL server: run the tests with vitest.config.ts (globalSetup test/global-setup.ts)');
  const ready = join(run, 'server.json');
  const failed = join(run, 'failed.txt');
  let first = true;
  try {
    mkdirSync(join(run, 'starting.lock'));
  } catch {
    first = false;
  }
  if (first) {
    try {
      const { host, port, user, dir } = startPostgres({ parent: run });
      writeFileSync(`${ready}.tmp`, JSON.stringify({ host, port, user, dir }));
      renameSync(`${ready}.tmp`, ready);
    } catch (e) {
      writeFileSync(failed, (e as Error).message);
    }
  }
  for (const deadline = Date.now() + 60_000; !existsSync(ready) && !existsSync(failed); ) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not start in 60 s (its directory: ${run})`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  if (existsSync(failed)) throw new Error(`PostgreSQL, which this test needs, did not start: ${readFileSync(failed, 'utf8')}`);
  return JSON.parse(readFileSync(ready, 'utf8')) as PostgresServer;
}

export interface PostgresDatabase extends PostgresServer {
  database: string;
  drop(): Promise<void>;
}

/** A new, empty database in the run's server, for one test (file) alone; `drop()` it after. */
export async function freshDatabase(): Promise<PostgresDatabase> {
  const s = await sharedPostgres();
  const database = `test_${randomBytes(8).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ host: s.host, port: s.port, user: s.user, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  return { ...s, database, drop: () => admin(`DROP DATABASE ${database} WITH (FORCE)`) };
}
