// The command as the person started it, for commands the tool prints back (the questionnaire's
// resume line): `npx screen`, `trial-screen`, `screen` or `node bin/screen.js` run as typed.
import { basename, isAbsolute, relative } from 'node:path';

export function commandAsInvoked(script: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  if (!script) return 'screen';
  const name = basename(script);
  if (name === 'screen' || name === 'trial-screen') return env.npm_command === 'exec' ? `npx ${name}` : name;
  const shown = relative(cwd, script);
  return `node ${shown.startsWith('..') || isAbsolute(shown) ? script : shown}`;
}
