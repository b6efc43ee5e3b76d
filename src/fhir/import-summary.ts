// The short import summary on stderr: what the importer could not use, grouped so that a bundle of
// hundreds of resources gives a screenful, not a log. Words only; the notes are plain data.
import type { ImportNote } from './import-bundle.js';

/** Resource ids shown per line: enough to find one in the bundle. */
const EXAMPLES = 1;

/** One line per (resource type, code, reason), with how many resources and the first few ids. */
export function formatImportSummary(notes: ImportNote[], source: string): string {
  const groups = new Map<string, { type: string; code: string | undefined; message: string; refs: string[] }>();
  for (const n of notes) {
    const type = n.resource.split('/')[0] ?? n.resource;
    const key = `${type}\u0000${n.code ?? ''}\u0000${n.message}`;
    const g = groups.get(key) ?? { type, code: n.code, message: n.message, refs: [] };
    g.refs.push(n.resource);
    groups.set(key, g);
  }
  if (groups.size === 0) return '';
  const lines = [`import: ${source}: ${notes.length} note${notes.length === 1 ? '' : 's'} (resource, code, why)`];
  for (const g of groups.values()) {
    const many = g.refs.length > 1 ? ` ×${g.refs.length}` : '';
    const which = g.refs.includes(g.type) || g.type.includes('×') ? '' : ` [${g.refs.slice(0, EXAMPLES).join(', ')}${g.refs.length > EXAMPLES ? ', …' : ''}]`;
    lines.push(`  ${g.type}${many}${g.code ? ` ${g.code}` : ''}: ${g.message}${which}`);
  }
  return `${lines.join('\n')}\n`;
}
