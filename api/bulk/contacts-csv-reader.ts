import { CsvError, parse, type Options } from 'csv-parse';
import { pipeline, Transform, type Readable } from 'node:stream';
import { checkHeader, checkMappedRow, type ColumnMapping, type ContactDraft, type ContactRules, type RowError } from '../../domain/contact-row';
import { ApiError } from '../api-error';
import { ContactListChecks } from './contact-list-checks';

/** What the header said: its column names (normalized where it is valid) and variables, and its problems. */
export interface CsvHeader {
  line: number;
  columns: string[];
  variables: string[];
  errors: RowError[];
}

export interface ContactsCsvOptions {
  rules: ContactRules;
  maxRows: number;
  maxBytes: number;
  /** For rows whose agent_id is empty. */
  defaultAgentId: string | null;
  agentExists: (id: string) => Promise<boolean>;
  /** Called once, before anything is yielded. */
  onHeader?: (header: CsvHeader) => void;
}

/** A CSV record with the physical line it starts on. */
interface LineRecord {
  fields: string[];
  line: number;
}

export type ContactCsvItem = { ok: true; contact: ContactDraft & { agentId: string } } | { ok: false; errors: RowError[] };

/**
 * Reads a contacts CSV as it arrives, one verdict per data row in file order. A broken header yields its
 * errors as the single item (every row would be judged against it). Only per-file state is kept (see
 * ContactListChecks), so memory grows with distinct numbers, never with the file's bytes.
 *
 * Throws ApiError: 413 TOO_MANY_ROWS / UPLOAD_TOO_LARGE as soon as a limit is passed, 400 CSV_MALFORMED
 * for broken CSV syntax, 400 CSV_EMPTY for a file without data rows. Errors of `source` pass through.
 */
export async function* readContactsCsv(source: NodeJS.ReadableStream | Readable, options: ContactsCsvOptions): AsyncGenerator<ContactCsvItem> {
  const lines = new LineTracker();
  const parserOptions: Options<LineRecord, string[]> = {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    // Runs as each record is parsed, also for records the iterator never hands out because a later error
    // ends the stream, so the tracker still knows where the broken record starts.
    on_record: (fields, context) => ({ fields, line: lines.startOf(context) }),
  };
  // csv-parse types only the record shapes of its `columns` mode; on_record changes the shape here.
  const parser = parse(parserOptions as unknown as Options);
  // Errors reach the parser (pipeline destroys every stream with the first error) and so the loop below.
  pipeline(source, limitBytes(options.maxBytes), lineFeedsOnly(), parser, () => undefined);

  const list = new ContactListChecks(options.agentExists);
  let mapping: ColumnMapping | undefined;
  let rows = 0;

  try {
    for await (const { fields, line } of parser as AsyncIterable<LineRecord>) {
      // Spreadsheets export trailing rows as bare separators (",,,"): they are blank lines, not contacts.
      if (fields.every((field) => field.trim() === '')) continue;
      if (!mapping) {
        const header = checkHeader(fields, options.rules, line);
        if (!header.ok) {
          options.onHeader?.({ line, columns: fields.map((name) => name.trim()), variables: [], errors: header.errors });
          yield { ok: false, errors: header.errors };
          return;
        }
        mapping = header.mapping;
        options.onHeader?.({ line, columns: mapping.columns, variables: mapping.variables, errors: [] });
        continue;
      }
      rows += 1;
      if (rows > options.maxRows) {
        throw new ApiError(413, 'TOO_MANY_ROWS', `The file has more than ${options.maxRows} rows`, { maxRows: options.maxRows });
      }
      yield await checkRecord(fields, line, mapping, list, options);
    }
  } catch (err) {
    if (err instanceof CsvError) throw malformed(err, lines);
    throw err;
  }
  if (!mapping) throw new ApiError(400, 'CSV_EMPTY', 'The file is empty');
  if (rows === 0) throw new ApiError(400, 'CSV_EMPTY', 'The file has a header but no rows');
}

async function checkRecord(
  record: string[],
  line: number,
  mapping: ColumnMapping,
  list: ContactListChecks,
  options: ContactsCsvOptions,
): Promise<ContactCsvItem> {
  if (record.length !== mapping.columns.length) {
    // A shifted row would be judged column by column against the wrong names; its count is the one problem worth showing.
    const message = `the row has ${record.length} fields; the header has ${mapping.columns.length}`;
    return { ok: false, errors: [{ line, field: null, code: 'COLUMN_COUNT', message }] };
  }
  const checked = checkMappedRow(record, mapping, line, options.rules);
  const agentId = checked.agentId ?? options.defaultAgentId;
  const errors = [...checked.errors, ...(await list.check(line, checked.phoneNumber, agentId))];
  if (errors.length > 0 || !checked.contact || agentId === null) return { ok: false, errors };
  return { ok: true, contact: { ...checked.contact, agentId } };
}

/**
 * csv-parse reports the line a record ends on; a quoted field may span lines, so a record starts on the
 * line after the previous record, plus any empty lines skipped in between.
 */
class LineTracker {
  private lastEnd = 0;
  private lastEmpty = 0;

  startOf(info: { lines: number; empty_lines: number }): number {
    const start = this.nextStart(info);
    this.lastEnd = info.lines;
    this.lastEmpty = info.empty_lines;
    return start;
  }

  nextStart(info: { empty_lines: number }): number {
    return this.lastEnd + 1 + (info.empty_lines - this.lastEmpty);
  }
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Turns CRLF and lone CR line breaks into LF before parsing: csv-parse counts a CRLF inside a quoted field as
 * two lines, which would shift every later line number. Safe on UTF-8 bytes (0x0d and 0x0a never occur inside
 * a multi-byte character); a chunk without CR, the usual case, passes through untouched.
 */
function lineFeedsOnly(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!pendingCr && !chunk.includes(CR)) return callback(null, chunk);
      const out = Buffer.allocUnsafe(chunk.length + 1);
      let length = 0;
      for (const byte of chunk) {
        if (pendingCr) {
          out[length++] = LF;
          pendingCr = false;
          if (byte === LF) continue;
        }
        if (byte === CR) pendingCr = true;
        else out[length++] = byte;
      }
      callback(null, out.subarray(0, length));
    },
    flush(callback) {
      callback(null, pendingCr ? Buffer.from([LF]) : null);
    },
  });
}

function malformed(err: CsvError, lines: LineTracker): ApiError {
  // An unclosed quote is only noticed at the end of the file; the row it opened in is what needs fixing.
  const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? lines.nextStart({ empty_lines: Number(err.empty_lines ?? 0) }) : Number(err.lines);
  const message =
    err.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `The CSV is malformed: a quoted field opened in the row starting at line ${line} is never closed`
      : `The CSV is malformed at line ${line}: ${err.message}`;
  return new ApiError(400, 'CSV_MALFORMED', message, { line, reason: err.code });
}

/** Passes bytes through and fails with 413 UPLOAD_TOO_LARGE once more than `maxBytes` have passed. */
export function limitBytes(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(uploadTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
}

export function uploadTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'UPLOAD_TOO_LARGE', `The upload is larger than ${maxBytes} bytes`, { maxBytes });
}
