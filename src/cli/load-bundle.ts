// Runs the bundled CLI (dist/bundle/screen.cjs) through vm.Script with the V8 code cache written
// at build time, so start-up skips parsing and compiling it. A cache from another Node.js version
// is rejected by V8 and the code is simply compiled as usual: never wrong, only slower.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export type LoadedBundle<T> = { exports: T; cacheRejected: boolean | undefined };

export function loadBundle<T>(file: string, options: { useCache?: boolean } = {}): LoadedBundle<T> & { script: vm.Script } {
  const url = pathToFileURL(file);
  let cachedData: Buffer | undefined;
  if (options.useCache !== false) {
    try {
      cachedData = readFileSync(`${file}.cache`);
    } catch {
      cachedData = undefined;
    }
  }
  // The CommonJS wrapper plus __lazyImport: lazy bundles are ESM files next to this one, and code
  // in a vm.Script cannot call import() itself on Node 20 (scripts/bundle.mjs rewrites those calls).
  const source = `(function (exports, require, module, __filename, __dirname, __lazyImport) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const lazyImport = (specifier: string) => import(new URL(specifier, url).href);
  const mod = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file), lazyImport);
  return { exports: mod.exports, cacheRejected: cachedData ? script.cachedDataRejected : undefined, script };
}
