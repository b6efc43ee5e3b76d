// The delimiter of a CSV file: given (--delimiter) or detected from the header line, where
// Excel writes semicolons in most of Europe and tabs when saving "Text (Tab delimited)".
import { UsageError } from '../errors.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** `--delimiter` as typed: ",", ";", "tab" or "\t", "|". */
export function parseDelimiterFlag(flag: string): string {
  const d = flag === 'tab' || flag === '\\t' ? '\t' : flag;
  if (!(DELIMITERS as readonly string[]).includes(d)) throw new UsageError(`--delimiter must be one of , ; tab |, got "${flag.slice(0, 10)}"`);
  return d;
}

/** The delimiter that occurs most often outside quotes in the header line (comma on a tie). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Reads ahead to the end of the first line, detects the delimiter, and replays what it read. */
export async function withDetectedDelimiter(stream: AsyncIterable<Buffer | string>): Promise<{ delimiter: string; stream: AsyncIterable<Buffer | string> }> {
  const it = stream[Symbol.asyncIterator]();
  const seen: (Buffer | string)[] = [];
  let text = '';
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    seen.push(r.value);
    text += String(r.value);
    if (/[\r\n]/.test(text) || text.length > 1 << 20) break;
  }
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)[0] ?? '');
  async function* replay() {
    yield* seen;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { delimiter, stream: replay() };
}
