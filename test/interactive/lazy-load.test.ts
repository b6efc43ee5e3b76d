// @inquirer/prompts is loaded only when an interactive session starts: file-mode start-up never pays for it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('only inquirer-prompter.ts mentions @inquirer, and only through a dynamic import', () => {
  const users = sources(SRC).filter((f) => readFileSync(f, 'utf8').includes('@inquirer/'));
  expect(users.map((f) => f.slice(SRC.length + 1))).toEqual(['interactive/inquirer-prompter.ts']);
  const text = readFileSync(join(SRC, 'interactive/inquirer-prompter.ts'), 'utf8');
  expect(text).toMatch(/await import\('@inquirer\/prompts'\)/);
  expect(text).not.toMatch(/^import [^t].*@inquirer/m);
});

test('the CLI reaches interactive mode only through a dynamic import', () => {
  const staticImporters = sources(SRC).filter((f) => /^import .*interactive-mode\.js'/m.test(readFileSync(f, 'utf8')));
  expect(staticImporters).toEqual([]);
  expect(readFileSync(join(SRC, 'cli/main.ts'), 'utf8')).toContain("await import('./interactive-mode.js')");
});
