import { parseConfig, ConfigError, type Config } from '../domain/config';

let cached: Config | undefined;

/** The process's configuration, parsed once from the environment. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * For entry points: a bad variable ends the process at start-up with a message naming it, instead of a
 * stack trace or, worse, a process that starts with a half-valid configuration.
 */
export function getConfigOrExit(): Config {
  try {
    return getConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
