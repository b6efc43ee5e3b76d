#!/usr/bin/env node
// Runs the bundled CLI (see scripts/bundle.mjs and src/cli/load-bundle.ts).
import { loadBundle } from '../dist/cli/load-bundle.js';

// Output that cannot be written (a closed pipe such as "| head", a full disk, /dev/full) means the
// results are incomplete: one line on stderr and exit 74, never a stack trace and never success.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (stream === process.stdout) {
      const why = e.code === 'EPIPE' ? 'the reader closed the pipe' : (e.code ?? e.message);
      try {
        process.stderr.write(`screen: cannot write standard output (${why}): the output is incomplete\n`);
      } catch {}
    }
    process.exit(74);
  });
}

const { exports: cli } = loadBundle(new URL('../dist/bundle/screen.cjs', import.meta.url).pathname);
process.exitCode = await cli.run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  script: process.argv[1],
});
