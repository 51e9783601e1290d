import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config, ConfigKey } from '../../domain/config';
import { withLocalClientPoolLimit } from '../infra/ferretdb-storage';
import { ROOT_DIR } from '../infra/paths';
import { RECORDINGS_PATH } from '../../sim/exotel/recorded-audio';
import type { StackPort } from './port-check';

/**
 * Where every process of the local stack listens, and what each is told about the others. Each port has
 * a variable (API_PORT, TEMPORAL_PORT, …), and the addresses that follow from it (PUBLIC_API_URL, the
 * simulators' base URLs, …) follow it unless set on their own. An address given for Temporal
 * (TEMPORAL_ADDRESS), the database (MONGODB_URI) or a provider (EXOTEL_BASE_URL, …) means "use that
 * server": the stack then runs no dev server, FerretDB or simulator for it.
 */
export interface SimulatorLayout {
  name: 'exotel' | 'deepgram' | 'openai' | 'elevenlabs';
  entry: string;
  port: number;
  url: string;
  /** False when the provider's base URL points elsewhere (a real account). */
  used: boolean;
}

export interface StackLayout {
  dataDir: string;
  temporal: { external: boolean; address: string; namespace: string; port: number; uiPort: number; uiUrl: string };
  database: { external: boolean; uri: string; port: number; debugPort: number };
  simulators: SimulatorLayout[];
  api: { port: number; url: string; publicUrl: string };
  media: { port: number; wsUrl: string; controlUrl: string };
  /** The Web UI's codec server; the dev server's UI is pointed at `url`, and only its own origins may call it. */
  codecServer: { port: number; url: string; corsOrigins: string[] };
  /** Each worker's `/metrics` and Temporal SDK exporter; none when METRICS_ENABLED is false. */
  workerMetrics: WorkerMetricsLayout[];
}

export interface WorkerMetricsLayout {
  process: 'worker' | 'worker-exotel';
  port: number;
  portVariable: string;
  url: string;
  sdkPort: number;
  sdkPortVariable: string;
  sdkUrl: string;
}

type Env = NodeJS.ProcessEnv;

/** The key the stack's ElevenLabs simulator and media server share when the user names none. */
const LOCAL_ELEVENLABS_KEY = 'sim-elevenlabs-key';

function portFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number (1–65535), not "${raw}"`);
  return port;
}

const set = (env: Env, name: string) => Boolean(env[name]?.trim());

/** The stack's state (Temporal's file, FerretDB's, secrets, the status file): RINGLINE_DATA_DIR or `.data`. */
export function dataDirFrom(env: Env): string {
  const chosen = env.RINGLINE_DATA_DIR?.trim();
  return chosen ? path.resolve(chosen) : path.join(ROOT_DIR, '.data');
}

export function stackLayout(env: Env, config: Config): StackLayout {
  const host = '127.0.0.1';
  const temporalPort = portFrom(env, 'TEMPORAL_PORT', 7233);
  const temporalExternal = set(env, 'TEMPORAL_ADDRESS');
  const uiPort = portFrom(env, 'TEMPORAL_UI_PORT', 8233);
  const databaseExternal = set(env, 'MONGODB_URI');
  const databasePort = portFrom(env, 'FERRETDB_PORT', 27017);
  const apiPort = config.API_PORT;
  const metricsHost = config.WORKER_METRICS_HOST === '0.0.0.0' ? host : config.WORKER_METRICS_HOST;
  const workerMetrics = (process: WorkerMetricsLayout['process'], portVariable: ConfigKey, sdkPortVariable: ConfigKey): WorkerMetricsLayout => {
    const port = config[portVariable] as number;
    const sdkPort = config[sdkPortVariable] as number;
    return { process, port, portVariable, url: `http://${metricsHost}:${port}/metrics`, sdkPort, sdkPortVariable, sdkUrl: `http://${metricsHost}:${sdkPort}/metrics` };
  };
  const mediaPort = config.MEDIA_PORT;
  const simulator = (name: SimulatorLayout['name'], portVariable: string, defaultPort: number, urlVariable: string, suffix = ''): SimulatorLayout => {
    const port = portFrom(env, portVariable, defaultPort);
    const url = `http://${host}:${port}${suffix}`;
    return { name, entry: `sim/${name}/main.ts`, port, url, used: !set(env, urlVariable) };
  };
  return {
    dataDir: dataDirFrom(env),
    temporal: {
      external: temporalExternal,
      address: temporalExternal ? config.TEMPORAL_ADDRESS : `${host}:${temporalPort}`,
      namespace: config.TEMPORAL_NAMESPACE,
      port: temporalPort,
      uiPort,
      uiUrl: temporalExternal || set(env, 'TEMPORAL_UI_URL') ? config.TEMPORAL_UI_URL : `http://${host}:${uiPort}`,
    },
    database: {
      external: databaseExternal,
      uri: databaseExternal ? config.MONGODB_URI : withLocalClientPoolLimit(`mongodb://${host}:${databasePort}/ringline`),
      port: databasePort,
      debugPort: portFrom(env, 'FERRETDB_DEBUG_PORT', 18088),
    },
    simulators: [
      simulator('exotel', 'EXOTEL_SIM_PORT', 4010, 'EXOTEL_BASE_URL'),
      simulator('deepgram', 'DEEPGRAM_SIM_PORT', 4020, 'DEEPGRAM_BASE_URL'),
      simulator('openai', 'OPENAI_SIM_PORT', 4030, 'OPENAI_BASE_URL', '/v1'),
      simulator('elevenlabs', 'ELEVENLABS_SIM_PORT', 4040, 'ELEVENLABS_BASE_URL'),
    ],
    api: {
      port: apiPort,
      url: `http://${config.API_HOST === '0.0.0.0' ? host : config.API_HOST}:${apiPort}`,
      publicUrl: set(env, 'PUBLIC_API_URL') ? config.PUBLIC_API_URL : `http://${host}:${apiPort}`,
    },
    media: {
      port: mediaPort,
      wsUrl: set(env, 'PUBLIC_MEDIA_WS_URL') ? config.PUBLIC_MEDIA_WS_URL : `ws://${host}:${mediaPort}`,
      controlUrl: set(env, 'MEDIA_CONTROL_URL') ? config.MEDIA_CONTROL_URL : `http://${host}:${mediaPort}`,
    },
    codecServer: {
      port: config.CODEC_SERVER_PORT,
      url: `http://${host}:${config.CODEC_SERVER_PORT}`,
      corsOrigins: set(env, 'CODEC_SERVER_CORS_ORIGINS') ? config.CODEC_SERVER_CORS_ORIGINS : [`http://${host}:${uiPort}`, `http://localhost:${uiPort}`],
    },
    workerMetrics: config.METRICS_ENABLED
      ? [
          workerMetrics('worker', 'WORKER_METRICS_PORT', 'WORKER_SDK_METRICS_PORT'),
          workerMetrics('worker-exotel', 'EXOTEL_WORKER_METRICS_PORT', 'EXOTEL_WORKER_SDK_METRICS_PORT'),
        ]
      : [],
  };
}

/** Every port this machine must have free before the stack starts, with what it is for. */
export function portsToClaim(layout: StackLayout): StackPort[] {
  const ports: StackPort[] = [];
  if (!layout.temporal.external) {
    ports.push({ port: layout.temporal.port, purpose: 'Temporal dev server, TEMPORAL_PORT' });
    ports.push({ port: layout.temporal.uiPort, purpose: 'Temporal Web UI, TEMPORAL_UI_PORT' });
  }
  if (!layout.database.external) {
    ports.push({ port: layout.database.port, purpose: 'database (FerretDB), FERRETDB_PORT' });
    ports.push({ port: layout.database.debugPort, purpose: "FerretDB's debug listener, FERRETDB_DEBUG_PORT" });
  }
  for (const sim of layout.simulators) {
    if (sim.used) ports.push({ port: sim.port, purpose: `${sim.name} simulator, ${sim.name.toUpperCase()}_SIM_PORT` });
  }
  ports.push({ port: layout.api.port, purpose: 'API, API_PORT' });
  ports.push({ port: layout.media.port, purpose: 'media server, MEDIA_PORT' });
  ports.push({ port: layout.codecServer.port, purpose: 'codec server for the Web UI, CODEC_SERVER_PORT' });
  for (const worker of layout.workerMetrics) {
    ports.push({ port: worker.port, purpose: `${worker.process} metrics, ${worker.portVariable}` });
    ports.push({ port: worker.sdkPort, purpose: `${worker.process} Temporal SDK metrics, ${worker.sdkPortVariable}` });
  }
  return ports;
}

/** What Ringline's processes and the simulators are told, on top of the user's own environment. */
export function processEnvironment(env: Env, layout: StackLayout, secrets: Readonly<Record<string, string>>): Env {
  const derived: Env = {
    TEMPORAL_ADDRESS: layout.temporal.address,
    TEMPORAL_UI_URL: layout.temporal.uiUrl,
    MONGODB_URI: layout.database.uri,
    API_PORT: String(layout.api.port),
    PUBLIC_API_URL: layout.api.publicUrl,
    MEDIA_PORT: String(layout.media.port),
    PUBLIC_MEDIA_WS_URL: layout.media.wsUrl,
    MEDIA_CONTROL_URL: layout.media.controlUrl,
    CODEC_SERVER_PORT: String(layout.codecServer.port),
    CODEC_SERVER_CORS_ORIGINS: layout.codecServer.corsOrigins.join(','),
    ...Object.fromEntries(layout.workerMetrics.flatMap((w) => [[w.portVariable, String(w.port)], [w.sdkPortVariable, String(w.sdkPort)]])),
    // The local API speaks plain http, where a browser drops a Secure cookie: the dashboard login needs this.
    SESSION_COOKIE_SECURE: env.SESSION_COOKIE_SECURE ?? 'false',
  };
  for (const sim of layout.simulators) {
    derived[`${sim.name.toUpperCase()}_SIM_PORT`] = String(sim.port);
    if (sim.used) derived[`${sim.name.toUpperCase()}_BASE_URL`] = sim.url;
  }
  // ElevenLabs is off without a key: the local stack gives its simulator one, so premium calls speak with it.
  if (layout.simulators.some((sim) => sim.name === 'elevenlabs' && sim.used) && !set(env, 'ELEVENLABS_API_KEY')) derived.ELEVENLABS_API_KEY = LOCAL_ELEVENLABS_KEY;
  const exotelSim = layout.simulators.find((sim) => sim.name === 'exotel' && sim.used);
  if (exotelSim) {
    // The simulator serves its recordings itself: the API stores their URLs only under an allowed prefix.
    derived.EXOTEL_RECORDING_URL_PREFIXES = [env.EXOTEL_RECORDING_URL_PREFIXES, `${exotelSim.url}${RECORDINGS_PATH}/`].filter(Boolean).join(',');
  }
  const fromSecrets = Object.fromEntries(Object.entries(secrets).filter(([name]) => !set(env, name)));
  return { ...env, ...derived, ...fromSecrets };
}

/**
 * The PostgreSQL database that holds a data directory's records when FerretDB stores there: the
 * checkout's own `.data` keeps its long-standing name, any other directory gets one of its own.
 */
export function localDatabaseName(dataDir: string): string {
  if (dataDir === path.join(ROOT_DIR, '.data')) return 'ringline_local';
  return `ringline_local_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}
