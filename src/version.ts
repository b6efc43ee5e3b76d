// The tool's name and version, read once from package.json for reports and --version.
import { readPackageJson } from './package-root.js';

let cached: { name: string; version: string } | undefined;

export function toolInfo(): { name: string; version: string } {
  if (!cached) {
    const pkg = readPackageJson();
    cached = { name: pkg.name, version: pkg.version };
  }
  return cached;
}
