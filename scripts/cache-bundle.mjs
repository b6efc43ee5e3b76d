// Build step: write the V8 code cache for dist/bundle/screen.cjs after a warm-up run, so that the
// functions a screening run uses are compiled in the cache too (V8 compiles lazily).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../dist/cli/load-bundle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = `${root}dist/bundle/screen.cjs`;
const { exports: cli, script } = loadBundle(file, { useCache: false });
const sink = { write: () => true, isTTY: false };
const io = { stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd: root };
for (const args of [
  ['examples/im101-611-eligible.json', '--trial', 'IM101-611'],
  ['examples/im101-611-undetermined-missing.json', '--trial', 'IM101-611', '--format', 'json'],
  ['--help'],
]) {
  await cli.run(args, io);
}
writeFileSync(`${file}.cache`, script.createCachedData());
