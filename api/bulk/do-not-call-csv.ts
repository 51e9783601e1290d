import { CsvError, parse } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { CONTACT_COLUMNS, normalizeColumnName, type RowError } from '../../domain/contact-row';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../../domain/phone-number';
import { ApiError } from '../api-error';
import { limitBytes } from './contacts-csv-reader';

/** The phone column is named as in a contacts CSV (`phone_number`, `phone`, `mobile` …); `reason` is optional. */
const PHONE_NAMES: ReadonlySet<string> = new Set([CONTACT_COLUMNS[0].name, ...CONTACT_COLUMNS[0].aliases]);
const REASON_MAX_CHARS = 200;

export type DoNotCallRow = { ok: true; line: number; phoneNumber: string; reason: string | null } | { ok: false; error: RowError };

export interface DoNotCallCsvOptions {
  defaultCountry: string;
  maxRows: number;
  maxBytes: number;
}

/**
 * Reads a do-not-call CSV as it arrives: a header naming the phone column, then one number per row.
 * Throws ApiError 400 DNC_HEADER_MISSING_PHONE / CSV_MALFORMED / CSV_EMPTY, 413 TOO_MANY_ROWS / UPLOAD_TOO_LARGE.
 */
export async function* readDoNotCallCsv(source: Readable, options: DoNotCallCsvOptions): AsyncGenerator<DoNotCallRow> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true });
  pipeline(source, limitBytes(options.maxBytes), parser, () => undefined);
  let phoneAt = -1;
  let reasonAt = -1;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (record.every((field) => field.trim() === '')) continue;
      if (phoneAt < 0) {
        const names = record.map((raw) => normalizeColumnName(raw));
        phoneAt = names.findIndex((name) => name !== null && PHONE_NAMES.has(name));
        reasonAt = names.indexOf('reason');
        if (phoneAt < 0) throw new ApiError(400, 'DNC_HEADER_MISSING_PHONE', 'the header has no phone_number column (or phone, mobile)');
        continue;
      }
      rows += 1;
      if (rows > options.maxRows) throw new ApiError(413, 'TOO_MANY_ROWS', `The file has more than ${options.maxRows} rows`, { maxRows: options.maxRows });
      const line = info.lines;
      const phone = normalizePhoneNumber(record[phoneAt] ?? '', options.defaultCountry);
      if (!phone.ok) {
        yield { ok: false, error: { line, field: 'phone_number', code: 'INVALID_PHONE_NUMBER', message: describePhoneNumberProblem(phone.reason) } };
        continue;
      }
      const reason = reasonAt >= 0 ? (record[reasonAt] ?? '').trim().slice(0, REASON_MAX_CHARS) : '';
      yield { ok: true, line, phoneNumber: phone.e164, reason: reason === '' ? null : reason };
    }
  } catch (err) {
    if (err instanceof CsvError) throw new ApiError(400, 'CSV_MALFORMED', `The CSV is malformed: ${err.message}`, { reason: err.code });
    throw err;
  }
  if (phoneAt < 0) throw new ApiError(400, 'CSV_EMPTY', 'The file has no header and no rows');
  if (rows === 0) throw new ApiError(400, 'CSV_EMPTY', 'The file has a header but no rows');
}
