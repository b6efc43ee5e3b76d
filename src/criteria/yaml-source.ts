// Parse YAML with positions kept, so schema errors can name file:line:column. Unsafe YAML
// features (custom tags, alias bombs, duplicate keys) are errors, not warnings.
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { CriteriaError, type Problem } from '../errors.js';

export type YamlSource = { file: string; doc: Document; lines: LineCounter };

/** Real criteria nest a dozen levels; far deeper is a mistake or an attack on the recursion. */
export const MAX_YAML_DEPTH = 64;
const TOO_DEEP = `nested too deeply (more than ${MAX_YAML_DEPTH} levels): not a criteria file`;

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
    const message = firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
    problems.push({ location: where, message: /Maximum call stack/.test(message) ? TOO_DEEP : message });
  }
  // Recursion that ran out of stack fails at many nodes, how many depending on the stack the caller
  // has left (38 inside a test runner, one from the bin): one mistake, one line, the first.
  const deep = problems.find((p) => p.message === TOO_DEEP);
  if (deep) throw new CriteriaError([deep]);
  if (problems.length) throw new CriteriaError(problems);
  return { file, doc, lines };
}

/** The document as plain data; alias expansion is bounded by maxAliasCount. */
export function toData(src: YamlSource): unknown {
  let data: unknown;
  try {
    data = src.doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    const message = firstLine((e as Error).message);
    throw new CriteriaError([{ location: src.file, message: /Maximum call stack/.test(message) ? TOO_DEEP : message }], { cause: e });
  }
  const deep = deepPath(data, MAX_YAML_DEPTH);
  if (deep) throw new CriteriaError([{ location: locate(src, deep), message: TOO_DEEP }]);
  return data;
}

/** Path to the first value nested deeper than `max`, found without recursion. */
function deepPath(data: unknown, max: number): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (value === null || typeof value !== 'object') continue;
    if (path.length > max) return path.slice(0, max);
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
  }
  return undefined;
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
