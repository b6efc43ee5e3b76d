// Writing CSV that is safe to open in a spreadsheet: RFC 4180 quoting, and cells that a
// spreadsheet would run as a formula (=, +, -, @, tab, CR first) are neutralised with a leading '.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-looking text gets a leading apostrophe, then quotes where CSV needs them. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Between the cells of a line, and at its end. */
export const CSV_SEPARATOR = ',';
export const CSV_EOL = '\r\n';

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(CSV_SEPARATOR)}${CSV_EOL}`;
}
