// Parse YAML with positions kept, so schema errors can name file:line:column. Unsafe YAML
// features (custom tags, alias bombs, duplicate keys) are errors, not warnings.
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CriteriaError, type Problem } from '../errors.js';

export type YamlSource = { file: string; doc: Document; lines: LineCounter };

export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new CriteriaError([{ location: file, message: `cannot parse YAML: ${(e as Error).message}` }], { cause: e });
  }
  const problems: Problem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    // linePos is only filled in with prettyErrors; the offset is always there.
    const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    problems.push({ location: where, message: firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '') });
  }
  if (problems.length) throw new CriteriaError(problems);
  return { file, doc, lines };
}

/** The document as plain data; alias expansion is bounded by maxAliasCount. */
export function toData(src: YamlSource): unknown {
  try {
    return src.doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new CriteriaError([{ location: src.file, message: firstLine((e as Error).message) }], { cause: e });
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** file:line:column of the node at `path`, or of its nearest existing ancestor. */
export function locate(src: YamlSource, path: readonly PropertyKey[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = src.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = src.lines.linePos(node.range[0]);
      return `${src.file}:${line}:${col}`;
    }
  }
  return src.file;
}

export function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** Turn zod issues into located problems; for union mismatches, name the expected kinds. */
export function zodProblems(src: YamlSource, error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const at = pathText(issue.path);
    return { location: locate(src, issue.path), message: `${at ? `${at}: ` : ''}${issueMessage(issue)}` };
  });
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    const d = (issue as { discriminator?: string }).discriminator ?? 'kind';
    return `unknown or missing "${d}"`;
  }
  return issue.message;
}
