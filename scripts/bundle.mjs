// Build step: bundle the CLI for fast start-up (see docs/performance.md).
// - dist/bundle/screen.cjs holds only what a plain `screen patient.json --trial X` needs. It is
//   CommonJS so that bin/screen.js can run it through vm.Script with a V8 code cache
//   (screen.cjs.cache, written after a warm-up run), skipping parsing and compilation.
// - Every module the source loads with a dynamic import() (which the main bundle calls through
//   __lazyImport, see below) (the full criteria loader with yaml
//   and zod, the printable reports, batch, lint, show, template, the questionnaire) becomes its
//   own self-contained CommonJS bundle, required only when used. No shared chunks: a shared chunk would
//   drag code used by a lazy path into start-up.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const built = new Set();
const queue = [];

function lazyName(file) {
  return `lazy-${relative('src', file).replace(/\.ts$/, '').replaceAll('/', '-')}`;
}

const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = resolve(dirname(args.importer), args.path).replace(/\.js$/, '.ts');
      const name = lazyName(source);
      if (!built.has(name)) queue.push({ entry: source, name });
      built.add(name);
      return { path: `./${name}.cjs`, external: true };
    });
  },
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // BUNDLE_MINIFY=0 keeps names readable for a --cpu-prof of the CLI. Whitespace is minified even
  // then: that drops the dependencies' comments, whose words (a comment naming `import()`) the
  // checks below would otherwise take for code.
  ...(process.env.BUNDLE_MINIFY === '0' ? { minifyWhitespace: true } : { minify: true }),
  plugins: [lazyImports],
  // Loaded at run time from node_modules, and only by lazy bundles: exceljs by the .xlsx reader,
  // pdfkit (which reads its font metrics from its own directory) by the PDF report, DuckDB
  // (native bindings cannot be bundled) by --engine duckdb and `screen sql --run`.
  external: ['exceljs', 'pdfkit', '@duckdb/node-api'],
  logLevel: 'warning',
  define: { __TRIAL_SCREEN_PACKAGE__: JSON.stringify({ name: pkg.name, version: pkg.version }) },
};

// Node built-ins that bare `node -e 0` has not loaded cost start-up time when a dependency
// requires them at the top of a module, even if the run never uses them (measured with
// process.moduleLoadList and --cpu-prof: child_process pulls in net, dgram and streams, and was
// the largest single item of a one-patient run). In the start-up bundle only:
// - commander requires node:child_process for executable subcommands, which this CLI has none of:
//   it gets a stand-in that loads the real module on first use;
// - chalk's #supports-color probes the terminal through node:tty and node:os when loaded, for its
//   default instance; the CLI only uses `new Chalk({ level })` with the level it decided itself
//   (--color, NO_COLOR, a terminal), so the probe is replaced by "no colour" for that instance.
const startupStubs = {
  name: 'startup-stubs',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: 'lazy-child-process', namespace: 'startup-stub' } : undefined,
    );
    b.onResolve({ filter: /^#supports-color$/ }, (args) =>
      args.importer.includes('node_modules/chalk/') ? { path: 'supports-color', namespace: 'startup-stub' } : undefined,
    );
    b.onLoad({ filter: /^lazy-child-process$/, namespace: 'startup-stub' }, () => ({
      contents: "let m; const get = () => (m ??= require('node:child_process')); module.exports = new Proxy({}, { get: (_, key) => get()[key] });",
      loader: 'js',
    }));
    b.onLoad({ filter: /^supports-color$/, namespace: 'startup-stub' }, () => ({
      contents: 'export default { stdout: false, stderr: false };',
      loader: 'js',
    }));
  },
};

await build({
  ...common,
  plugins: [startupStubs, ...common.plugins],
  entryPoints: ['src/cli/main.ts'],
  format: 'cjs',
  outfile: `${outdir}/screen.cjs`,
  define: { ...common.define, 'import.meta.url': '__import_meta_url' },
  // ("use strict" first: a directive counts only at the start of the file, and the sources are ES
  // modules, written for strict mode.)
  banner: { js: "'use strict';const __import_meta_url=require('node:url').pathToFileURL(__filename).href;" },
});

// Code run through vm.Script cannot use import() on Node 20 without an experimental flag, so the
// main bundle's lazy imports call __lazyImport, which src/cli/load-bundle.ts passes in.
const main = `${outdir}/screen.cjs`;
const text = readFileSync(main, 'utf8');
const rewritten = text.replace(/\bimport\((["'])\.\/lazy-/g, '__lazyImport($1./lazy-');
if (/\bimport\(/.test(rewritten)) throw new Error('screen.cjs still contains an import() that load-bundle.ts cannot serve');
writeFileSync(main, rewritten);

// The loader bin/screen.js requires: src/cli/load-bundle.ts as CommonJS, so that a run never
// starts Node's ES module loader.
await build({ ...common, plugins: [], entryPoints: ['src/cli/load-bundle.ts'], format: 'cjs', outfile: `${outdir}/load-bundle.cjs`, minify: false });

// The lazy bundles are CommonJS too, each loaded by require() when first used (load-bundle.ts),
// so no run starts Node's ES module loader: importing one ESM bundle cost a one-patient run about
// 10 ms of that loader's set-up and its asynchronous file reads (a FHIR bundle, a printable
// report). Their own lazy imports of one another are rewritten to the same require().
while (queue.length) {
  const { entry, name } = queue.shift();
  const outfile = `${outdir}/${name}.cjs`;
  await build({
    ...common,
    entryPoints: [entry],
    format: 'cjs',
    outfile,
    define: { ...common.define, 'import.meta.url': '__import_meta_url' },
    banner: { js: "'use strict';const __import_meta_url=require('node:url').pathToFileURL(__filename).href;const __lazyImport=(s)=>Promise.resolve().then(()=>require(s));" },
  });
  const code = readFileSync(outfile, 'utf8').replace(/\bimport\((["'])\.\/lazy-/g, '__lazyImport($1./lazy-');
  // What is left imported with import(): only exceljs (the .xlsx reader), which starts the ES
  // module loader for that input alone.
  const left = [...code.matchAll(/\bimport\((["'])([^"']*)\1\)/g)].map((m) => m[2]).filter((spec) => spec !== 'exceljs');
  if (left.length || /\bimport\((?!["'])/.test(code)) throw new Error(`${name}.cjs still loads ${left.join(', ') || 'a computed specifier'} with import()`);
  writeFileSync(outfile, code);
}
console.log(`bundled screen.cjs and ${built.size} lazy bundles`);
