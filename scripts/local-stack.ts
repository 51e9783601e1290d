import path from 'node:path';
import { parseConfig, ConfigError } from '../domain/config';
import { startFerretDb, waitForMongo } from './infra/ferretdb';
import { chooseFerretDbStorage, describeStorage, withLocalClientPoolLimit } from './infra/ferretdb-storage';
import { ManagedProcess } from './infra/managed-process';
import { DATA_DIR, ROOT_DIR } from './infra/paths';
import { startTemporalDevServer, waitForTemporal } from './infra/temporal-dev-server';
import { waitUntil } from './infra/wait-until';
import { placeDemoCall } from './demo-call';
import { STACK_PROCESSES } from './stack-processes';

/**
 * The README's start command: Temporal dev server (with UI and Ringline's search attributes), the
 * database, then Ringline's processes, each log line prefixed with its process name. Ctrl-C or
 * SIGTERM stops everything, Ringline's processes first, then the infrastructure.
 */
const say = (text: string) => process.stdout.write(`\x1b[1mringline│\x1b[0m ${text}\n`);

function loadConfig() {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

function hostPort(address: string): { host: string; port: number } {
  const [host, port] = address.split(':');
  return { host: host ?? '127.0.0.1', port: Number(port) };
}

/**
 * The simulator rings nobody, so the local stack opens the legal calling window to the whole day and
 * the demo works at any hour. Against a real Exotel account (EXOTEL_BASE_URL set) the window stays as
 * configured, 09:00–21:00 by default.
 */
function openCallingWindowForSimulator(): void {
  if (process.env.EXOTEL_BASE_URL || process.env.LEGAL_CALLING_WINDOW_START || process.env.LEGAL_CALLING_WINDOW_END) return;
  process.env.LEGAL_CALLING_WINDOW_START = '00:00';
  process.env.LEGAL_CALLING_WINDOW_END = '24:00';
  say('Exotel simulator in use: legal calling window opened to 00:00–24:00 (set LEGAL_CALLING_WINDOW_START/END to change)');
}

async function main(): Promise<void> {
  const started = Date.now();
  openCallingWindowForSimulator();
  const config = loadConfig();
  const infra: ManagedProcess[] = [];
  const apps: ManagedProcess[] = [];
  let shuttingDown = false;

  const shutdown = async (reason: string, code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`stopping (${reason})…`);
    await Promise.all(apps.map((p) => p.stop()));
    await Promise.all(infra.map((p) => p.stop()));
    say('all processes stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

  const watch = (p: ManagedProcess) => {
    void p.waitForExit().then((code) => {
      if (!p.isStopping) void shutdown(`${p.name} exited with code ${code}`, 1);
    });
  };

  // An address or URI given in the environment means "use that server"; otherwise run one here.
  const externalTemporal = Boolean(process.env.TEMPORAL_ADDRESS);
  const externalDatabase = Boolean(process.env.MONGODB_URI);
  const databaseUri = externalDatabase ? config.MONGODB_URI : withLocalClientPoolLimit(config.MONGODB_URI);

  if (!externalTemporal) {
    const { port } = hostPort(config.TEMPORAL_ADDRESS);
    const uiPort = Number(new URL(config.TEMPORAL_UI_URL).port || 8233);
    const temporal = startTemporalDevServer({
      port,
      uiPort,
      dbFile: path.join(DATA_DIR, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
    });
    infra.push(temporal);
    watch(temporal);
  }
  let databaseNote = ' (external)';
  if (!externalDatabase) {
    const port = Number(new URL(config.MONGODB_URI.replace(/^mongodb/, 'http')).port || 27017);
    const storage = await chooseFerretDbStorage({ dataDir: path.join(DATA_DIR, 'ferretdb'), database: 'ringline_local' });
    databaseNote = ` (${describeStorage(storage)})`;
    const database = startFerretDb({ port, debugPort: 18088, storage });
    infra.push(database);
    watch(database);
  }

  say(`waiting for Temporal (${config.TEMPORAL_ADDRESS}) and the database…`);
  try {
    await Promise.all([
      waitForTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE),
      waitForMongo(databaseUri),
    ]);
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    await shutdown('infrastructure did not start', 1);
    return;
  }

  for (const { name, entry } of STACK_PROCESSES) {
    const app = new ManagedProcess({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT_DIR, entry)],
      cwd: ROOT_DIR,
      env: { ...process.env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, MONGODB_URI: databaseUri },
    });
    apps.push(app);
    watch(app);
  }

  const apiUrl = `http://${hostPort(`${config.API_HOST}:${config.API_PORT}`).host}:${config.API_PORT}`;
  await waitUntil('API /health', async () => (await fetch(`${apiUrl}/health`)).ok, { timeoutMs: 60_000 }).catch(
    (err: Error) => say(`warning: ${err.message}`),
  );

  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  Temporal UI   ${config.TEMPORAL_UI_URL}${externalTemporal ? ' (external Temporal)' : ''}`);
  say(`  Temporal gRPC ${config.TEMPORAL_ADDRESS}`);
  say(`  Database      ${databaseUri}${databaseNote}`);
  say(`  API           ${apiUrl}  (health: ${apiUrl}/health)`);
  say('press Ctrl-C to stop everything');

  if (!process.argv.includes('--no-demo')) {
    await placeDemoCall({ apiUrl, phoneNumber: '+919876543000', say }).catch((err: Error) => say(`demo call: ${err.message}`));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
