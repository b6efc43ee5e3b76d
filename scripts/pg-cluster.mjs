// A throwaway PostgreSQL server for the SQL differential tests and the benchmark: initdb in a
// temporary directory, started on a Unix socket there (no TCP port), stopped and deleted after.
// initdb refuses to run as root, so as root (CI) the cluster belongs to the `postgres` user.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0], 'bin');
  }
  return '';
}

function userId(name) {
  const passwd = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).split(':');
  return { uid: Number(passwd[2]), gid: Number(passwd[3]) };
}

/** Run a PostgreSQL program; as root, as the `postgres` user (initdb and the server refuse root). */
function runner() {
  if (process.getuid?.() !== 0) return (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const exe = (name) => {
  const bin = postgresBin();
  return bin ? join(bin, name) : name;
};

/**
 * Start a server in a new directory (in `parent`, else the system's temporary directory); returns
 * { host, port, user, dir, stop() }. `host` is the socket directory, which is also where COPY can
 * read files from (the server runs as the directory's owner).
 */
export function startPostgres({ parent = tmpdir() } = {}) {
  const dir = mkdtempSync(join(parent, 'trial-screen-pg-'));
  const run = runner();
  if (process.getuid?.() === 0) {
    const { uid, gid } = userId('postgres');
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const port = 5432;
  try {
    run(exe('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    // Only a Unix socket in our own directory: no TCP port to clash with anything.
    run(exe('pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-c listen_addresses='' -k ${dir} -p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start PostgreSQL (${exe('initdb')}): ${e.stderr?.toString().trim() || e.message}`);
  }
  return { host: dir, port, user: 'postgres', dir, stop: () => stopPostgres(dir) };
}

/** Stop the server startPostgres started in `dir` (if it still runs) and delete the directory. */
export function stopPostgres(dir) {
  try {
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) runner()(exe('pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
