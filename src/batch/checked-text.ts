// The text checks every patient input gets, applied to a batch stream as it is read: UTF-8 (a BOM
// is dropped), no NUL bytes, and no line longer than MAX_LINE_CHARS, so a binary file, a device
// such as /dev/zero or a file without line breaks is refused instead of being buffered without end.
import { PatientDataError } from '../errors.js';

/** No patient row is near this long (the widest CSV template row is a few KB). */
export const MAX_LINE_CHARS = 1024 * 1024;

export async function* checkedText(input: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let line = 1;
  let lineLength = 0;
  const fail = (message: string): never => {
    throw new PatientDataError([{ location: `${name}:${line}`, message }]);
  };
  const check = (text: string) => {
    const nul = text.indexOf('\u0000');
    const end = nul >= 0 ? nul : text.length;
    let start = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
      if (lineLength + (i - start) > MAX_LINE_CHARS) break;
      lineLength = 0;
      start = i + 1;
      line += 1;
    }
    if (lineLength + (end - start) > MAX_LINE_CHARS) fail(`line is longer than ${MAX_LINE_CHARS / 1024 / 1024} MB: not a patients file`);
    if (nul >= 0) fail('contains a NUL byte: not a text file (a binary file?)');
    lineLength += end - start;
  };
  for await (const chunk of input) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    } catch {
      // Name the line: the lenient decoding marks the first bad byte with U+FFFD.
      const lenient = new TextDecoder('utf-8').decode(chunk as Buffer);
      const bad = lenient.indexOf('\uFFFD');
      for (let i = lenient.indexOf('\n'); i >= 0 && i < bad; i = lenient.indexOf('\n', i + 1)) line += 1;
      fail('is not UTF-8 text (save it as UTF-8; a binary file?)');
      return;
    }
    check(text);
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    fail('is not UTF-8 text: it ends inside a character');
    return;
  }
  check(rest);
  if (rest) yield rest;
}
