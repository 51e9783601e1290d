/**
 * The local stack's output: every process's lines become records (time, process, level, message,
 * fields), shown either as short human-readable lines on a terminal or as JSON lines for anything that
 * reads them. Ringline's processes log pino JSON; the Temporal CLI logs logfmt; anything else is text.
 */
export interface LogRecord {
  time: string;
  process: string;
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export type OutputFormat = 'pretty' | 'json';

/** Fields every pino line carries that say nothing about the event itself. */
const PINO_HOUSEKEEPING = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'v']);
const NUMERIC_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LOGFMT_PAIR = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
const MAX_LOGFMT_LINE = 4_096;

function levelName(level: unknown): string {
  if (typeof level === 'number') return NUMERIC_LEVELS[level] ?? String(level);
  if (typeof level === 'string') return level.toLowerCase() === 'warning' ? 'warn' : level.toLowerCase();
  return 'info';
}

function fromJson(processName: string, line: string): LogRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const object = parsed as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (!PINO_HOUSEKEEPING.has(key)) fields[key] = value;
  return {
    time: typeof object.time === 'string' ? object.time : new Date(typeof object.time === 'number' ? object.time : Date.now()).toISOString(),
    process: processName,
    level: levelName(object.level),
    msg: typeof object.msg === 'string' ? object.msg : '',
    fields,
  };
}

function fromLogfmt(processName: string, line: string): LogRecord | undefined {
  if (line.length > MAX_LOGFMT_LINE || !/^(time|level)=/.test(line)) return undefined;
  const pairs: Record<string, string> = {};
  for (const [, key, raw] of line.matchAll(LOGFMT_PAIR)) {
    pairs[key!] = raw!.startsWith('"') ? (JSON.parse(raw!) as string) : raw!;
  }
  const { time, level, msg, ...fields } = pairs;
  return { time: time ?? new Date().toISOString(), process: processName, level: levelName(level), msg: msg ?? line, fields };
}

/** zap's console encoding (FerretDB): time, level, caller and message separated by tabs, then JSON fields. */
const ZAP_CONSOLE = /^(\d{4}-\d\d-\d\dT[^\t]+)\t([A-Z]+)\t([^\t]*)\t([^\t]*)(?:\t(\{.*\}))?$/;

function fromZapConsole(processName: string, line: string): LogRecord | undefined {
  const match = line.length <= MAX_LOGFMT_LINE * 4 ? ZAP_CONSOLE.exec(line) : null;
  if (!match) return undefined;
  const [, time, level, caller, msg, json] = match;
  let extra: Record<string, unknown>;
  try {
    extra = json ? (JSON.parse(json) as Record<string, unknown>) : {};
  } catch {
    extra = { detail: json };
  }
  const err = extra.err as { Message?: unknown } | undefined;
  const fields: Record<string, unknown> = { caller, ...(typeof err?.Message === 'string' ? { error: err.Message } : {}), ...extra };
  delete fields.err;
  return { time: time!, process: processName, level: levelName(level === 'DPANIC' || level === 'PANIC' ? 'fatal' : level), msg: msg!, fields };
}

/** One output line of a process as a record; `now` dates lines that carry no time of their own. */
export function parseLogLine(processName: string, line: string, now = new Date()): LogRecord {
  const trimmed = line.trimEnd();
  return (
    (trimmed.startsWith('{') ? fromJson(processName, trimmed) : undefined) ??
    fromLogfmt(processName, trimmed) ??
    fromZapConsole(processName, trimmed) ?? { time: now.toISOString(), process: processName, level: 'info', msg: trimmed, fields: {} }
  );
}

export function stackRecord(processName: string, msg: string, level = 'info', fields: Record<string, unknown> = {}): LogRecord {
  return { time: new Date().toISOString(), process: processName, level, msg, fields };
}

const LEVEL_COLORS: Record<string, number> = { trace: 90, debug: 90, info: 32, warn: 33, error: 31, fatal: 31 };
const PROCESS_COLORS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const MAX_SHOWN_FIELDS = 6;
const MAX_VALUE_CHARS = 80;
/** The longest process name, worker-exotel. */
const PROCESS_COLUMN = 13;

function shortValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string;
  if (typeof value === 'object') {
    const err = value as { message?: unknown; type?: unknown };
    if (typeof err.message !== 'string') return undefined;
    text = `${typeof err.type === 'string' ? `${err.type}: ` : ''}${err.message}`;
  } else {
    text = String(value);
  }
  const quoted = /[\s"]/.test(text) ? JSON.stringify(text) : text;
  return quoted.length > MAX_VALUE_CHARS ? `${quoted.slice(0, MAX_VALUE_CHARS - 1)}…` : quoted;
}

function clock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso.slice(0, 12);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * `14:03:07.120 api      info  request method=GET path=/api/v1/calls status=202 ms=12.4`: local
 * time, process, level, message and a few scalar fields (errors by their message); objects such as
 * transcripts stay in the JSON form.
 */
export function formatPretty(record: LogRecord, options: { color: boolean; processColor?: number }): string {
  const paint = (code: number | undefined, text: string) => (options.color && code !== undefined ? `\x1b[${code}m${text}\x1b[0m` : text);
  const fields = Object.entries(record.fields)
    .map(([key, value]) => [key, shortValue(value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .slice(0, MAX_SHOWN_FIELDS)
    .map(([key, value]) => `${paint(90, `${key}=`)}${value}`);
  return [
    paint(90, clock(record.time)),
    paint(options.processColor, record.process.padEnd(PROCESS_COLUMN)),
    paint(LEVEL_COLORS[record.level], record.level.padEnd(5)),
    record.msg,
    ...fields,
  ].join(' ');
}

export function formatJson(record: LogRecord): string {
  return JSON.stringify({ time: record.time, level: record.level, process: record.process, msg: record.msg, ...record.fields });
}

/** A writer for the stack's records: colors per process on a terminal, one JSON object a line otherwise. */
export function createRecordWriter(format: OutputFormat, write: (line: string) => void, color: boolean): (record: LogRecord) => void {
  const colors = new Map<string, number>();
  return (record) => {
    if (format === 'json') {
      write(formatJson(record));
      return;
    }
    if (!colors.has(record.process)) colors.set(record.process, PROCESS_COLORS[colors.size % PROCESS_COLORS.length]!);
    write(formatPretty(record, { color, processColor: colors.get(record.process) }));
  };
}
