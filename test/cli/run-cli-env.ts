// Runs the CLI in-process with captured output, or as a real subprocess through bin/screen.js.
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function runInProcess(argv: string[], env: Record<string, string | undefined> = {}, stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([stdin]),
    env: { NO_COLOR: '1', ...env },
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

export function runBin(argv: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/screen.js', ...argv], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
