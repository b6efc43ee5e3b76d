#!/usr/bin/env node
// Runs the bundled CLI (see scripts/bundle.mjs and src/cli/load-bundle.ts).
import { loadBundle } from '../dist/cli/load-bundle.js';

// A closed pipe (screen ... | head) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
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
