// The work of `screen batch`, loaded only when it runs (see commands/batch.ts): screens every row
// of a CSV or NDJSON file in one streaming pass and ends with a screen-failure summary.
import { createReadStream, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { loadCriteria } from '../criteria/load-for-cli.js';
import type { Trial } from '../criteria/load-trial.js';
import { compileTrial, screenOutcomes } from '../engine/evaluate.js';
import { resolveReferenceDates } from '../engine/reference-dates.js';
import { PatientDataError, UsageError } from '../errors.js';
import { errorRow, screenedRow } from '../batch/batch-row.js';
import type { InputFormat, InputItem } from '../batch/read-rows.js';
import { SummaryCounter } from '../batch/screen-failure-summary.js';
import { batchWriter } from '../report/batch-output.js';
import { formatSummaryText } from '../report/summary-text.js';
import type { CliIo } from './io.js';
import { EXIT_ROW_ERRORS, type BatchFlags } from './commands/batch.js';
import { flagDates } from './screen-command.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';

async function pickTrials(flags: BatchFlags): Promise<{ trials: Trial[]; dictionary: import('../criteria/dictionary-model.js').Dictionary; trialIds: string[] }> {
  const ids = flags.trial ?? [];
  if (flags.all && ids.length) throw new UsageError('give either --trial or --all, not both');
  if (!flags.all && ids.length === 0) throw new UsageError('missing --trial <id> or --all (list trials with: screen trials)');
  const loaded = await loadCriteria(flags.criteriaDir, flags.all ? 'all' : ids);
  const seen = new Set<string>();
  for (const t of loaded.trials) {
    if (seen.has(t.meta.id)) throw new UsageError(`trial ${t.meta.id} is given twice`);
    seen.add(t.meta.id);
  }
  return { trials: loaded.trials, dictionary: loaded.dictionary, trialIds: loaded.trialIds };
}

function openInput(arg: string, io: CliIo): { stream: AsyncIterable<Buffer | string>; name: string } {
  if (arg === '-') return { stream: io.stdin as AsyncIterable<Buffer | string>, name: '<stdin>' };
  const path = resolve(io.cwd, arg);
  try {
    if (statSync(path).isDirectory()) throw new PatientDataError([{ location: arg, message: 'is a directory, not a patients file' }]);
  } catch (e) {
    if (e instanceof PatientDataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  }
  return { stream: createReadStream(path, { highWaterMark: 256 * 1024 }), name: arg };
}

/** The format from --input-format, the extension, or (for stdin) the first non-blank character. */
async function detectFormat(arg: string, flag: InputFormat | undefined, stream: AsyncIterable<Buffer | string>): Promise<{ format: InputFormat; stream: AsyncIterable<Buffer | string> }> {
  if (flag) return { format: flag, stream };
  const ext = extname(arg).toLowerCase();
  if (ext === '.csv') return { format: 'csv', stream };
  if (ext === '.ndjson' || ext === '.jsonl') return { format: 'ndjson', stream };
  if (arg !== '-') throw new UsageError(`cannot tell the format of "${arg.slice(0, 80)}" from its extension: name it .csv or .ndjson, or give --input-format csv|ndjson`);
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? '' : String(first.value).replace(/^\uFEFF/, '').trimStart();
  const format: InputFormat = head.startsWith('{') ? 'ndjson' : 'csv';
  async function* rest() {
    if (!first.done) yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { format, stream: rest() };
}

type Sink = { write(s: string): Promise<void>; close(): Promise<void> };

/** Buffers output into large writes and waits for the stream to drain, so memory stays flat. */
function sinkFor(flags: BatchFlags, io: CliIo): Sink {
  const target = flags.out
    ? createWriteStream(resolve(io.cwd, flags.out))
    : (io.stdout as { write(s: string): unknown; once?: (ev: string, fn: () => void) => unknown });
  let failed: Error | undefined;
  if (flags.out) (target as NodeJS.WritableStream).on('error', (e) => (failed = e));
  let buffer = '';
  const flush = async () => {
    if (failed) throw new UsageError(`cannot write ${flags.out}: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`);
    if (!buffer) return;
    const ok = target.write(buffer);
    buffer = '';
    if (ok === false && typeof target.once === 'function') await new Promise<void>((done) => target.once?.('drain', done));
  };
  return {
    async write(s) {
      buffer += s;
      if (buffer.length >= 64 * 1024) await flush();
    },
    async close() {
      await flush();
      if (flags.out) {
        const stream = target as NodeJS.WritableStream;
        await new Promise<void>((done, fail) => {
          stream.once('error', fail);
          stream.end(() => done());
        });
        if (failed) throw new UsageError(`cannot write ${flags.out}: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`);
      }
    },
  };
}

function progressReporter(io: CliIo, enabled: boolean) {
  if (!enabled || io.stderr.isTTY !== true) return { tick: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  let rows = 0;
  const show = () => {
    const secs = (Date.now() - started) / 1000;
    io.stderr.write(`\r\x1b[Kscreening: ${rows} rows, ${secs > 0 ? Math.round(rows / secs) : 0} rows/s`);
  };
  return {
    tick() {
      rows += 1;
      if ((rows & 1023) === 0 && Date.now() - last > 250) {
        last = Date.now();
        show();
      }
    },
    done() {
      if (rows > 0) io.stderr.write('\r\x1b[K');
    },
  };
}

export async function runBatch(arg: string, flags: BatchFlags, io: CliIo): Promise<number> {
  const { trials, dictionary: dict, trialIds } = await pickTrials(flags);
  // csv-parse is loaded only for batch runs.
  const { readCsvRows, readNdjsonRows } = await import('../batch/read-rows.js');
  const dates = flagDates(flags);
  const opened = openInput(arg, io);
  const { format: inputFormat, stream } = await detectFormat(arg, flags.inputFormat, opened.stream);

  const compiled = trials.map((t) => compileTrial(t, dict));
  const summary = new SummaryCounter();
  for (const t of trials) summary.addTrial(t.meta.id, t.criteria, t.meta);
  const wideColumns = flags.wide && flags.format === 'csv' ? trials.flatMap((t) => t.criteria.map((c) => ({ trial: t.meta.id, criterion: c.id }))) : undefined;
  const writer = batchWriter(flags.format, wideColumns);

  const rows: AsyncIterable<InputItem> =
    inputFormat === 'csv'
      ? readCsvRows(stream, dict, opened.name, ({ unknown }) => {
          for (const u of unknown) io.stderr.write(`warning: ${opened.name} header: unknown column "${u.name.slice(0, 80)}", ignored${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}\n`);
        })
      : readNdjsonRows(stream, dict);

  // The input is read (and the header checked) before the output file is created.
  const iterator = rows[Symbol.asyncIterator]();
  let next = await iterator.next();
  const sink = sinkFor(flags, io);
  const progress = progressReporter(io, flags.progress !== false);
  let errors = 0;
  try {
    await sink.write(writer.start());
    for (; !next.done; next = await iterator.next()) {
      const item = next.value;
      summary.inputRow(!item.ok);
      progress.tick();
      if (!item.ok) {
        errors += 1;
        for (const t of trials) {
          summary.error(t.meta.id);
          await sink.write(writer.row(errorRow(item.row, item.patientId, t.meta.id, item.problems, t.meta.completeness)));
        }
        continue;
      }
      const { record } = item.parsed;
      const warnings = [...item.parsed.warnings, ...reviewKeyWarnings(record, '', trials, trialIds)];
      const { dates: referenceDates } = resolveReferenceDates(record.referenceDates, dates);
      const patientId = typeof record.id === 'string' ? record.id : null;
      for (const t of compiled) {
        // Outcomes without explanations: batch writes verdicts, ids and missing fields only.
        const result = screenOutcomes(t, record, referenceDates);
        summary.screened(t.trial.meta.id, result);
        await sink.write(writer.row(screenedRow(item.row, t.trial.meta, patientId, result, warnings, flags.wide === true)));
      }
    }
    await sink.write(writer.end());
  } finally {
    progress.done();
    await sink.close();
  }
  const result = summary.result();
  io.stderr.write(formatSummaryText(result));
  if (flags.summary) {
    try {
      writeFileSync(resolve(io.cwd, flags.summary), `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`cannot write ${flags.summary}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
  }
  return errors > 0 ? EXIT_ROW_ERRORS : 0;
}
