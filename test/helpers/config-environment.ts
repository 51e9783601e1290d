import type { Config } from '../../domain/config';

/**
 * A parsed config as the environment of a child process that parses it again: lists as the comma lists
 * and objects as the JSON the config reads (String() would turn an object into "[object Object]").
 */
export function configEnvironment(config: Config): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) env[key] = value.join(',');
    else if (typeof value === 'object' && value !== null) env[key] = JSON.stringify(value);
    else env[key] = String(value);
  }
  return env;
}
