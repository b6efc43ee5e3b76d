// Runs the CLI two ways: in-process through run(argv, io), and as the real bin in a subprocess.
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { ROOT } from '../helpers/screening.js';

export type CliResult = { code: number; stdout: string; stderr: string };

export async function runInProcess(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([options.stdin ?? '']) as unknown as NodeJS.ReadableStream,
    env: options.env ?? {},
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}

export function runBin(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [`${ROOT}bin/screen.js`, ...args], {
    cwd: ROOT,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...(options.env ?? {}) },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
