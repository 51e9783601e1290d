import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';

/** Probes would drown the log at info: they are logged at debug. */
const PROBE_PATHS = new Set(['/health', '/metrics']);
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One line per request once its answer is sent. Successful reads (status polling, probes) are logged
 * at debug, so the info level holds what changed something and what went wrong. The path is logged
 * without its query string, which carries webhook signatures; the logger masks any phone number left
 * in it.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0];
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      };
      if (PROBE_PATHS.has(path) || (READS.has(req.method) && res.statusCode < 400)) logger.debug(line, 'request');
      else if (res.statusCode >= 500) logger.error(line, 'request');
      else if (res.statusCode >= 400) logger.warn(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
