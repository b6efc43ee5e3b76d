#!/usr/bin/env node
// Runs the bundled CLI (see scripts/bundle.mjs and src/cli/load-bundle.ts).
// CommonJS (bin/package.json): a run then never loads Node's ES module loader, which costs about a
// twentieth of a bare `node -e 0` (npm run bench:startup); the lazy bundles are CommonJS too.
'use strict';
const { loadBundle } = require('../dist/bundle/load-bundle.cjs');

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

const { exports: cli } = loadBundle(require('node:path').join(__dirname, '../dist/bundle/screen.cjs'));
cli
  .run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: process.stdin builds a stream (and loads Node's stream, fs-promise or net code) the
    // moment it is touched, which only `screen -` and the questionnaire need.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    script: process.argv[1],
  })
  .then((code) => {
    process.exitCode = code;
  });
