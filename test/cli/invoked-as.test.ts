import { expect, test } from 'vitest';
import { commandAsInvoked } from '../../src/cli/invoked-as.js';

test.each([
  ['/usr/local/bin/screen', {}, '/home/a', 'screen'],
  ['/usr/local/bin/trial-screen', {}, '/home/a', 'trial-screen'],
  ['/home/a/proj/node_modules/.bin/screen', { npm_command: 'exec' }, '/home/a/proj', 'npx screen'],
  ['/home/a/proj/node_modules/.bin/trial-screen', { npm_command: 'exec' }, '/home/a/proj', 'npx trial-screen'],
  ['/home/a/proj/bin/screen.js', {}, '/home/a/proj', 'node bin/screen.js'],
  ['/home/a/proj/bin/screen.js', {}, '/tmp/x', 'node /home/a/proj/bin/screen.js'],
  [undefined, {}, '/tmp', 'screen'],
])('%s (%j, in %s) → %s', (script, env, cwd, want) => {
  expect(commandAsInvoked(script, env, cwd)).toBe(want);
});
