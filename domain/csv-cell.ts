/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula
 * (CSV injection, OWASP). Every CSV Ringline writes passes its cells through here: a dangerous cell is
 * prefixed with a single quote, which spreadsheets show as text. A plain number (`-12.5`, `+919876543210`)
 * cannot run anything and stays as it is, so amounts and E.164 numbers remain usable.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function neutralizeFormula(value: string): string {
  if (!FORMULA_START.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

/** RFC 4180 quoting after neutralizing: quotes, commas and line breaks are kept inside one field. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = neutralizeFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
