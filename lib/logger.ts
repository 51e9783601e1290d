import pino, { type DestinationStream, type Logger } from 'pino';
import { maskDeep, maskPhoneNumbers } from '../domain/phone-mask';

export type { Logger };

/**
 * Structured JSON logs with phone numbers masked everywhere: in the message, in every field and in
 * serialized errors. Masking runs on the final object, so no call site can forget it.
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
        bindings: (bindings) => maskDeep(bindings) as Record<string, unknown>,
        log: (object) => maskDeep(object) as Record<string, unknown>,
      },
      // maskDeep has already turned errors into plain objects with type, message and stack.
      serializers: { err: (err: unknown) => err },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const normalized =
            first instanceof Error ? [{ err: first }, rest[0] ?? first.message, ...rest.slice(1)] : args;
          const masked = normalized.map((arg) => (typeof arg === 'string' ? maskPhoneNumbers(arg) : arg));
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
    maskChildBindings(child(maskDeep(bindings) as Record<string, unknown>, options) as Logger);
  logger.child = maskedChild as unknown as Logger['child'];
  return logger;
}
