// Runs the bundled CLI (dist/bundle/screen.cjs) through vm.Script with the V8 code cache written
// at build time, so start-up skips parsing and compiling it. A cache from another Node.js version
// is rejected by V8 and the code is simply compiled as usual: never wrong, only slower.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

export type LoadedBundle<T> = { exports: T; cacheRejected: boolean | undefined };

export function loadBundle<T>(file: string, options: { useCache?: boolean } = {}): LoadedBundle<T> & { script: vm.Script } {
  let cachedData: Buffer | undefined;
  if (options.useCache !== false) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined;
    }
  }
  // The CommonJS wrapper plus __lazyImport: lazy bundles are CommonJS files next to this one, each
  // required when first used (scripts/bundle.mjs rewrites the bundle's import() calls to it).
  const source = `(function (exports, require, module, __filename, __dirname, __lazyImport) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const require = createRequire(file);
  const lazyImport = (specifier: string) => Promise.resolve().then(() => require(specifier) as unknown);
  const mod = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, require, mod, file, dirname(file), lazyImport);
  return { exports: mod.exports, cacheRejected: cachedData ? script.cachedDataRejected : undefined, script };
}
