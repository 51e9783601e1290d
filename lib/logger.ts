import pino, { type DestinationStream, type Logger } from 'pino';
import { maskDeep, maskPhoneNumbers } from '../domain/phone-mask';

export type { Logger };

/**
 * Outside input reaches logs (Exotel frame fields, request paths, provider errors): every string is
 * cut to this many characters and every array to this many items, so that one huge value can neither
 * flood the log nor hold up the process that writes it.
 */
export const MAX_LOGGED_CHARS = 2_048;
export const MAX_LOGGED_ITEMS = 100;

function capString(value: string): string {
  return value.length <= MAX_LOGGED_CHARS ? value : `${value.slice(0, MAX_LOGGED_CHARS)}…[${value.length - MAX_LOGGED_CHARS} more characters]`;
}

/** Caps the plain data maskDeep returns (no cycles left: maskDeep replaced them). */
function capDeep(value: unknown): unknown {
  if (typeof value === 'string') return capString(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_LOGGED_ITEMS).map(capDeep);
    if (value.length > MAX_LOGGED_ITEMS) kept.push(`…[${value.length - MAX_LOGGED_ITEMS} more items]`);
    return kept;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = capDeep(item);
  return out;
}

/** Masking runs first, on the whole value, so that a cut can never leave a number's digits unmasked. */
const forLog = (value: unknown) => capDeep(maskDeep(value)) as Record<string, unknown>;

/**
 * Structured JSON logs with phone numbers masked everywhere (in the message, in every field and in
 * serialized errors) and every value capped. Both run on the final object, so no call site can forget them.
 */
export function createLogger(
  name: string,
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return maskChildBindings(pino(
    {
      name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => forLog(bindings),
        log: (object) => forLog(object),
      },
      // maskDeep has already turned errors into plain objects with type, message and stack.
      serializers: { err: (err: unknown) => err },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const normalized =
            first instanceof Error ? [{ err: first }, rest[0] ?? first.message, ...rest.slice(1)] : args;
          const masked = normalized.map((arg) => (typeof arg === 'string' ? capString(maskPhoneNumbers(arg)) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  ));
}

/** pino serializes a child's bindings once, outside the log formatter, so they are masked on the way in. */
function maskChildBindings(logger: Logger): Logger {
  type ChildFactory = (bindings: Record<string, unknown>, options?: object) => unknown;
  const child = logger.child.bind(logger) as unknown as ChildFactory;
  const maskedChild: ChildFactory = (bindings, options) =>
    maskChildBindings(child(forLog(bindings), options) as Logger);
  logger.child = maskedChild as unknown as Logger['child'];
  return logger;
}
