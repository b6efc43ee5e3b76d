// The formats of a file of rows by its extension: what screen batch, screen layout and
// screen --row read (kept apart from the readers, which load only when used).
import type { InputFormat } from './read-rows.js';

const BY_EXTENSION: Record<string, InputFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.xlsx': 'xlsx', '.parquet': 'parquet' };

/** The format a file of rows has by its extension (with its dot, any case), if it is one. */
export function formatOfExtension(ext: string): InputFormat | undefined {
  return Object.hasOwn(BY_EXTENSION, ext.toLowerCase()) ? BY_EXTENSION[ext.toLowerCase()] : undefined;
}
