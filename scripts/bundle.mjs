// Build step: bundle the CLI for fast start-up. dist/bundle/screen.js holds only what a plain
// `screen patient.json --trial X` needs; every module the source loads with a dynamic
// import() (the full criteria loader with yaml and zod, and the heavier subcommands) becomes
// its own self-contained bundle, loaded only when used. No shared chunks: a shared chunk would
// drag code used by a lazy path into start-up.
import { rmSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });

const built = new Set();
const queue = [{ entry: 'src/cli/main.ts', name: 'screen' }];

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

while (queue.length) {
  const { entry, name } = queue.shift();
  built.add(name);
  await build({
    entryPoints: { [name]: entry },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    outdir,
    plugins: [lazyImports],
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  });
}
console.log(`bundled ${[...built].map((n) => basename(n)).join(', ')}`);
