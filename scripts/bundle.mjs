// Build step: bundle the CLI for fast start-up (see docs/performance.md).
// - dist/bundle/screen.cjs holds only what a plain `screen patient.json --trial X` needs. It is
//   CommonJS so that bin/screen.js can run it through vm.Script with a V8 code cache
//   (screen.cjs.cache, written after a warm-up run), skipping parsing and compilation.
// - Every module the source loads with a dynamic import() (which the main bundle calls through
//   __lazyImport, see below) (the full criteria loader with yaml
//   and zod, the printable reports, batch, lint, show, template, the questionnaire) becomes its
//   own self-contained ESM bundle, loaded only when used. No shared chunks: a shared chunk would
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
      return { path: `./${name}.js`, external: true };
    });
  },
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  plugins: [lazyImports],
  // Loaded at run time from node_modules, and only by lazy bundles: exceljs by the .xlsx reader,
  // pdfkit (which reads its font metrics from its own directory) by the PDF report.
  external: ['exceljs', 'pdfkit'],
  logLevel: 'warning',
  define: { __TRIAL_SCREEN_PACKAGE__: JSON.stringify({ name: pkg.name, version: pkg.version }) },
};

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  format: 'cjs',
  outfile: `${outdir}/screen.cjs`,
  define: { ...common.define, 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url=require('node:url').pathToFileURL(__filename).href;" },
});

// Code run through vm.Script cannot use import() on Node 20 without an experimental flag, so the
// main bundle's lazy imports call __lazyImport, which src/cli/load-bundle.ts passes in.
const main = `${outdir}/screen.cjs`;
const text = readFileSync(main, 'utf8');
const rewritten = text.replace(/\bimport\((["'])\.\/lazy-/g, '__lazyImport($1./lazy-');
if (/\bimport\(/.test(rewritten)) throw new Error('screen.cjs still contains an import() that load-bundle.ts cannot serve');
writeFileSync(main, rewritten);

while (queue.length) {
  const { entry, name } = queue.shift();
  await build({
    ...common,
    entryPoints: { [name]: entry },
    format: 'esm',
    outdir,
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
}
console.log(`bundled screen.cjs and ${built.size} lazy bundles`);
