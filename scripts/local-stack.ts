import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { parseConfig, ConfigError, type Config } from '../domain/config';
import { generateSecrets, LOCAL_SECRETS_FILE, loadOrCreateSecrets } from '../lib/generated-secrets';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { startFerretDb, waitForMongo } from './infra/ferretdb';
import { chooseFerretDbStorage, describeStorage, type FerretDbStorage } from './infra/ferretdb-storage';
import { ManagedProcess } from './infra/managed-process';
import { ROOT_DIR } from './infra/paths';
import { waitForPollers } from './infra/task-queue-pollers';
import { startTemporalDevServer, waitForTemporal } from './infra/temporal-dev-server';
import { waitUntil } from './infra/wait-until';
import { placeDemoCall } from './demo-call';
import { STACK_PROCESSES } from './stack-processes';
import { createRecordWriter, stackRecord, type OutputFormat } from './stack/log-records';
import { describeTakenPort, findTakenPorts } from './stack/port-check';
import { localDatabaseName, portsToClaim, processEnvironment, stackLayout, type StackLayout } from './stack/stack-layout';
import { removeStackStatus, writeStackStatus } from './stack/stack-status';
import { Supervisor } from './stack/supervisor';
import { localAdminKey } from './stack/local-admin-key';

/**
 * The README's start command: the Temporal dev server (with UI and Ringline's search attributes), the
 * database, the simulators, then Ringline's processes, all kept running by a supervisor that restarts
 * whichever exits on its own. Ctrl-C or SIGTERM stops everything, Ringline's processes first.
 *
 * Flags: --no-demo (skip the demo call), --json (JSON lines even on a terminal).
 */
const args = process.argv.slice(2);
// A closed terminal or pipe must not crash the supervisor half-way through stopping the stack.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
const format: OutputFormat = args.includes('--json') || !process.stdout.isTTY ? 'json' : 'pretty';
const write = createRecordWriter(format, (line) => process.stdout.write(`${line}\n`), format === 'pretty');
const say = (msg: string, level = 'info', fields: Record<string, unknown> = {}) => write(stackRecord('ringline', msg, level, fields));

const DEMO_NUMBER = '+919876543000';

function fail(message: string, code: number): never {
  say(message, 'error');
  process.exit(code);
}

/**
 * The config as Ringline's processes will read it. The secrets this data directory keeps are made only
 * once the ports are known to be free, so stand-ins fill their place here; a value the user set wins.
 */
function loadConfig(): Config {
  try {
    return parseConfig({ ...generateSecrets(), ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 78);
    throw err;
  }
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

/** LOG_LEVEL for everything, LOG_LEVEL_<PROCESS> (LOG_LEVEL_API, LOG_LEVEL_WORKER_EXOTEL, …) for one. */
function logLevelFor(name: string): Record<string, string> {
  const own = process.env[`LOG_LEVEL_${name.toUpperCase().replace(/-/g, '_')}`];
  return own ? { LOG_LEVEL: own } : {};
}

function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

function readyLines(layout: StackLayout, databaseNote: string, metricsToken: string | undefined): string[] {
  return [
    `  Temporal UI   ${layout.temporal.uiUrl}${layout.temporal.external ? ' (external Temporal)' : ''}`,
    `  Temporal gRPC ${layout.temporal.address}`,
    `  Database      ${layout.database.uri.replace(/\?.*$/, '')}${databaseNote}`,
    `  API           ${layout.api.url}  (health: ${layout.api.url}/health)`,
    `  Media server  ${layout.media.wsUrl}`,
    `  Codec server  ${layout.codecServer.url}  (decodes payloads for the UI; token CODEC_SERVER_TOKEN in ${path.join(layout.dataDir, LOCAL_SECRETS_FILE)})`,
    ...layout.workerMetrics.map((w) => `  Metrics       ${w.process.padEnd(13)} ${w.url}  (Temporal SDK: ${w.sdkUrl})`),
    ...(layout.workerMetrics.length > 0 && !metricsToken ? ['  Metrics       the /metrics routes answer 404 until METRICS_TOKEN is set (docs/operations.md)'] : []),
    `  Status        ./ringline status   (stop: Ctrl-C here, or kill -TERM ${process.pid})`,
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  openCallingWindowForSimulator();
  const config = loadConfig();
  let layout: StackLayout;
  try {
    layout = stackLayout(process.env, config);
  } catch (err) {
    fail((err as Error).message, 78);
  }

  const taken = await findTakenPorts(portsToClaim(layout));
  if (taken.length > 0) {
    for (const port of taken) say(describeTakenPort(port), 'error');
    fail('nothing was started: stop the process that holds the port, or move Ringline to another port with the variable named above (README: "When a port is taken")', 1);
  }

  const freshData = isEmptyOrMissing(layout.dataDir);
  mkdirSync(layout.dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(path.join(layout.dataDir, LOCAL_SECRETS_FILE));
  const env = processEnvironment(process.env, layout, secrets);

  let shuttingDown = false;
  const supervisor: Supervisor = new Supervisor({
    emit: write,
    onChange: () => {
      if (!shuttingDown) writeStackStatus(layout.dataDir, { supervisorPid: process.pid, startedAt: new Date(started).toISOString(), processes: supervisor.snapshot() });
    },
    onGiveUp: (name, crashes, lastLines) => {
      say(`${name} crashed ${crashes} times within a minute; its last lines were:`, 'error');
      for (const line of lastLines) say(`  ${line}`, 'error');
      void shutdown(`${name} keeps crashing`, 1);
    },
  });

  const shutdown = async (reason: string, code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`stopping (${reason})…`);
    await supervisor.stopAll();
    removeStackStatus(layout.dataDir);
    say('all processes stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal, 0));
  // Whatever ends this process, an orderly shutdown or not, ends the stack with it.
  process.on('exit', () => supervisor.killAllNow());

  if (!layout.temporal.external) {
    const { port, uiPort, namespace } = layout.temporal;
    supervisor.start({
      name: 'temporal',
      tier: 'infrastructure',
      address: `${layout.temporal.address} (UI ${layout.temporal.uiUrl})`,
      start: (output) => startTemporalDevServer({ port, uiPort, uiCodecEndpoint: `${layout.codecServer.url}/${env.CODEC_SERVER_TOKEN}`, namespace, dbFile: path.join(layout.dataDir, 'temporal.sqlite'), output }),
    });
  }
  let databaseNote = ' (external)';
  if (!layout.database.external) {
    let storage: FerretDbStorage;
    try {
      storage = await chooseFerretDbStorage({ dataDir: path.join(layout.dataDir, 'ferretdb'), database: localDatabaseName(layout.dataDir), startEmpty: freshData });
    } catch (err) {
      say((err as Error).message, 'error');
      await shutdown('the database could not be prepared', 1);
      return;
    }
    databaseNote = ` (${describeStorage(storage)})`;
    const { port, debugPort } = layout.database;
    supervisor.start({
      name: 'database',
      tier: 'infrastructure',
      address: layout.database.uri.replace(/\?.*$/, ''),
      start: (output) => startFerretDb({ port, debugPort, storage, output }),
    });
  }

  say(`waiting for Temporal (${layout.temporal.address}) and the database…`);
  try {
    await Promise.all([waitForTemporal(layout.temporal.address, layout.temporal.namespace), waitForMongo(layout.database.uri)]);
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), 'error');
    await shutdown('infrastructure did not start', 1);
    return;
  }

  const node = (name: string, entry: string, address?: string) =>
    supervisor.start({
      name,
      tier: 'ringline',
      address,
      start: (output) =>
        new ManagedProcess({
          name,
          command: process.execPath,
          args: ['--import', 'tsx', path.join(ROOT_DIR, entry)],
          cwd: ROOT_DIR,
          env: { ...env, ...logLevelFor(name) },
          output,
        }),
    });
  for (const sim of layout.simulators) if (sim.used) node(`sim-${sim.name}`, sim.entry, sim.url);
  const addresses: Record<string, string> = { api: layout.api.url, media: layout.media.wsUrl, 'codec-server': layout.codecServer.url };
  for (const w of layout.workerMetrics) addresses[w.process] = `${w.url} (Temporal SDK ${w.sdkUrl})`;
  for (const { name, entry } of STACK_PROCESSES) node(name, entry, addresses[name]);

  // Ready means a call placed now is served: the API answers and a worker polls every queue.
  const temporal = await Connection.connect({ address: layout.temporal.address });
  try {
    await Promise.all([
      waitUntil('API /health', async () => (await fetch(`${layout.api.url}/health`)).ok, { timeoutMs: 90_000 }),
      waitForPollers(temporal, layout.temporal.namespace, [
        { name: config.TEMPORAL_TASK_QUEUE, kind: 'workflow' },
        { name: config.TEMPORAL_GATE_TASK_QUEUE, kind: 'workflow' },
        { name: config.TEMPORAL_EXOTEL_TASK_QUEUE, kind: 'activity' },
      ]),
    ]);
  } catch (err) {
    say((err as Error).message, 'error');
    await shutdown('Ringline did not start', 1);
    return;
  } finally {
    await temporal.close();
  }

  let admin: Awaited<ReturnType<typeof localAdminKey>>;
  try {
    await connectDatabase(layout.database.uri);
    admin = await localAdminKey(layout.dataDir, env.API_KEY_PEPPER!);
  } catch (err) {
    say(`could not make the local admin key: ${(err as Error).message}`, 'error');
    await shutdown('the admin key could not be made', 1);
    return;
  } finally {
    await disconnectDatabase();
  }

  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of readyLines(layout, databaseNote, config.METRICS_TOKEN)) say(line);
  if (admin.created) {
    say(`admin API key of the default organization (shown once; kept for the demo in ${admin.file}):`);
    say(`  ${admin.key}`);
    say('  use it as: curl -H "Authorization: Bearer $(cat ' + admin.file + ')" …   (more keys: ./ringline keys create --role …)');
  } else {
    say(`  Admin key     ${admin.file} (Authorization: Bearer …)`);
  }
  say('press Ctrl-C to stop everything');

  const exotelSimulator = layout.simulators.find((sim) => sim.name === 'exotel');
  if (args.includes('--no-demo')) return;
  if (!exotelSimulator?.used) {
    say('demo call skipped: EXOTEL_BASE_URL points at a real Exotel account');
    return;
  }
  await placeDemoCall({ apiUrl: layout.api.url, phoneNumber: DEMO_NUMBER, apiKey: admin.key, say: (line) => say(line) }).catch((err: Error) =>
    say(`demo call failed: ${err.message}`, 'error'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
