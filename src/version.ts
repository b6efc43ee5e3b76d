// The tool's name and version for reports and --version: inlined into the bundle at build time
// (scripts/bundle.mjs), read from package.json otherwise.
import { readPackageJson } from './package-root.js';

declare const __TRIAL_SCREEN_PACKAGE__: { name: string; version: string } | undefined;

let cached: { name: string; version: string } | undefined;

export function toolInfo(): { name: string; version: string } {
  if (!cached) {
    const pkg = typeof __TRIAL_SCREEN_PACKAGE__ !== 'undefined' ? __TRIAL_SCREEN_PACKAGE__ : readPackageJson();
    cached = { name: pkg.name, version: pkg.version };
  }
  return cached;
}
