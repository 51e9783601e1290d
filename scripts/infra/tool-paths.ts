import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { TOOLS_BIN_DIR } from './paths';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * An explicit override wins, then the pinned build in .tools/bin, then whatever is on PATH; the
 * setup script builds into .tools/bin only when none of these exist.
 */
function resolveTool(name: string, overrideVariable: string): string {
  const override = process.env[overrideVariable];
  if (override) {
    if (!isExecutable(override)) throw new Error(`${overrideVariable}=${override} is not an executable file`);
    return override;
  }
  const pinned = path.join(TOOLS_BIN_DIR, name);
  if (isExecutable(pinned)) return pinned;
  const found = onPath(name);
  if (found) return found;
  throw new Error(`${name} not found: run \`npm run setup\` (builds it into .tools/bin) or set ${overrideVariable}`);
}

export const temporalCliPath = (): string => resolveTool('temporal', 'TEMPORAL_CLI_PATH');
export const ferretDbPath = (): string => resolveTool('ferretdb', 'FERRETDB_PATH');
export const promtoolPath = (): string => resolveTool('promtool', 'PROMTOOL_PATH');
