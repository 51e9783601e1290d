import { IANAZone } from 'luxon';
import { z } from 'zod';
import { POOL_LIMITS } from './api-schemas/prewarming';
import { NUMBER_TYPES } from './calling-policy';
import { parsePayloadKeyring, PayloadKeyError } from './payload-keyring';
import { PRIORITIES } from './priority';

/**
 * Every port, URL, key and limit Ringline reads, in one place. The local stack runs on these defaults;
 * production overrides them through the environment (see .env.example, which a test keeps in step).
 */

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.url();
/** A wall-clock time; `24:00` closes a window at midnight. Seconds are optional (tests use them). */
const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?|24:00)$/, 'must be HH:mm or HH:mm:ss');
const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Asia/Kolkata');
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Shared HMAC secrets: no default anywhere, so no install can sign with a publicly known key. */
export const MIN_SECRET_CHARS = 32;
const secret = z.string().min(MIN_SECRET_CHARS, `must be at least ${MIN_SECRET_CHARS} characters (e.g. \`openssl rand -hex 32\`)`);
/** A comma-separated list of http(s) URLs (origins or prefixes); empty entries are dropped. */
const urlList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

/** A comma-separated list; empty entries are dropped. */
const commaList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .pipe(z.array(item).min(1));
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166 alpha-2 country codes such as IN');
const numberType = z.enum(NUMBER_TYPES);
const llmModel = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be model names such as gpt-4o-mini');
/** Exotel's TimeLimit ceiling. */
const callDurationSec = z.coerce.number().int().min(10).max(14_400);

/** One organization's own calling policy; what it leaves out comes from the CALLING_* defaults. */
export const orgCallingPolicySchema = z.strictObject({
  allowedCountries: z.array(countryCode).min(1).optional(),
  allowedNumberTypes: z.array(numberType).min(1).optional(),
  llmModels: z.array(llmModel).min(1).optional(),
  maxCallDurationSec: callDurationSec.optional(),
});
const orgCallingPolicies = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object: {"<orgId>": {"allowedCountries": ["IN"], ...}}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), orgCallingPolicySchema));

export const configShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_API_URL: url.default('http://127.0.0.1:3000'),

  MEDIA_HOST: z.string().min(1).default('127.0.0.1'),
  MEDIA_PORT: port.default(3001),
  PUBLIC_MEDIA_WS_URL: url.default('ws://127.0.0.1:3001'),
  /** Where workers reach this media server instance's control endpoint (sent in the media-started signal). */
  MEDIA_CONTROL_URL: url.default('http://127.0.0.1:3001'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ringline'),
  TEMPORAL_EXOTEL_TASK_QUEUE: z.string().min(1).default('ringline-exotel'),
  TEMPORAL_GATE_TASK_QUEUE: z.string().min(1).default('ringline-gate'),
  TEMPORAL_UI_URL: url.default('http://127.0.0.1:8233'),

  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/ringline'),

  EXOTEL_BASE_URL: url.default('http://127.0.0.1:4010'),
  EXOTEL_ACCOUNT_SID: z.string().min(1).default('ringline-sim'),
  EXOTEL_API_KEY: z.string().min(1).default('sim-key'),
  EXOTEL_API_TOKEN: z.string().min(1).default('sim-token'),
  EXOTEL_CALLER_ID: z.string().min(1).default('+918047112233'),
  EXOTEL_RATE_LIMIT_PER_MINUTE: positiveInt.default(200),
  EXOTEL_MODE: z.enum(['connect', 'flow']).default('connect'),
  EXOTEL_FLOW_URL: url.optional(),
  EXOTEL_RING_TIMEOUT_SEC: positiveInt.max(120).default(30),
  EXOTEL_HTTP_TIMEOUT_MS: positiveInt.default(10_000),
  EXOTEL_CIRCUIT_FAILURES: positiveInt.default(5),
  EXOTEL_CIRCUIT_OPEN_SEC: positiveInt.default(60),
  MAX_CONCURRENT_CALLS: positiveInt.default(10),
  MAX_WAITING_CALLS: positiveInt.default(5_000),

  DEEPGRAM_BASE_URL: url.default('http://127.0.0.1:4020'),
  DEEPGRAM_API_KEY: z.string().min(1).default('sim-deepgram-key'),
  DEEPGRAM_STT_MODEL: z.string().min(1).default('nova-2-phonecall'),
  DEEPGRAM_ENDPOINTING_MS: positiveInt.default(300),
  DEEPGRAM_UTTERANCE_END_MS: positiveInt.min(1000).default(1000),
  TTS_PROVIDER: z.enum(['deepgram-rest', 'deepgram-ws']).default('deepgram-rest'),
  /** Premium voice (docs/premium-voice.md): off without a key. */
  ELEVENLABS_API_KEY: z.string().min(1).optional(),
  ELEVENLABS_BASE_URL: url.default('http://127.0.0.1:4040'),
  ELEVENLABS_MODEL_ID: z.string().min(1).default('eleven_flash_v2_5'),
  /** Rachel, one of ElevenLabs' premade voices: for agents that name no ElevenLabs voice. */
  ELEVENLABS_DEFAULT_VOICE_ID: z.string().min(1).default('21m00Tcm4TlvDq8ikWAM'),
  /** Synthesis requests in flight to ElevenLabs from one media server; past it, sentences go to Deepgram (plans allow 10–15). */
  ELEVENLABS_MAX_CONCURRENT_REQUESTS: positiveInt.default(10),
  /** Call priorities spoken by ElevenLabs whatever their agent says (comma-separated, or `none`). */
  TTS_PREMIUM_PRIORITIES: z
    .string()
    .default('high')
    .transform((value) => (value.trim() === 'none' ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== '')))
    .pipe(z.array(z.enum(PRIORITIES))),
  /** Calls whose metadata has `vip: true` are spoken by ElevenLabs. */
  TTS_PREMIUM_VIP: booleanFlag.default(true),
  OPENAI_BASE_URL: url.default('http://127.0.0.1:4030/v1'),
  OPENAI_API_KEY: z.string().min(1).default('sim-openai-key'),
  OPENAI_TIMEOUT_MS: positiveInt.default(8_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(2).default(1),
  BARGE_IN_MIN_WORDS: positiveInt.default(2),
  BARGE_IN_MIN_SPEECH_MS: positiveInt.default(400),
  GREETING_CACHE_ENTRIES: positiveInt.default(500),
  VOICEMAIL_THRESHOLD: z.coerce.number().min(0.1).max(1).default(0.6),
  VOICEMAIL_TIMEOUT_SEC: z.coerce.number().int().min(5).max(120).default(30),
  /**
   * Agents' knowledge bases (docs/knowledge.md): the OpenAI embedding model and size that documents and
   * callers' questions are embedded with (changing either makes stored chunks unusable until re-uploaded).
   */
  KNOWLEDGE_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  KNOWLEDGE_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(64).max(3072).default(512),
  /** A document's text larger than this is refused (413); an agent's chunks beyond the second limit too (409). */
  KNOWLEDGE_MAX_DOCUMENT_BYTES: positiveInt.default(512 * 1024),
  KNOWLEDGE_MAX_CHUNKS_PER_AGENT: positiveInt.default(10_000),
  /** Passages quoted to the model per looked-up turn, and the cosine similarity a passage needs to be quoted. */
  KNOWLEDGE_TOP_K: z.coerce.number().int().min(1).max(10).default(3),
  KNOWLEDGE_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.25),
  /** A turn's lookup (embeddings call and search) taking longer is given up: the reply goes on without passages. */
  KNOWLEDGE_LOOKUP_TIMEOUT_MS: positiveInt.default(1_500),

  WEBHOOK_SECRET: secret,
  MEDIA_TOKEN_SECRET: secret,
  /**
   * How long a media URL stays usable: from the Voicebot URL answer in flow mode, from the end of the
   * ring time in connect mode (the URL goes to Exotel with the dial). Each URL opens one socket, once.
   */
  MEDIA_TOKEN_TTL_SEC: positiveInt.max(600).default(60),
  /** A StatusCallback URL is signed until the attempt's ring time + max call duration + this grace (late callbacks, Exotel's retries). */
  STATUS_CALLBACK_GRACE_SEC: positiveInt.default(3_600),
  /** Prefixes a status callback's RecordingUrl must start with to be kept (Exotel's recording storage). */
  EXOTEL_RECORDING_URL_PREFIXES: urlList.default(['https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/']),
  /** Other media server instances' control addresses (MEDIA_CONTROL_URL is always allowed): workers send hang-ups nowhere else. */
  MEDIA_CONTROL_ALLOWED_URLS: urlList.default([]),
  /** Exotel webhook and Voicebot URL requests per source address and minute (in-process, per API instance). */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  /** When set, only these addresses or CIDR ranges (Exotel's, from Exotel support) may call the webhook and Voicebot URL routes. */
  EXOTEL_SOURCE_ALLOWLIST: z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: 'must be IP addresses or CIDR ranges, comma-separated' })))
    .default([]),

  /**
   * AES-256-GCM keys sealing every Temporal payload: `id:base64key`, comma-separated (32 bytes each,
   * `openssl rand -base64 32`). Keep retired keys listed while histories sealed with them are retained.
   */
  PAYLOAD_KEYS: secret,
  /** The id in PAYLOAD_KEYS that seals new payloads; may be left unset when there is one key. */
  PAYLOAD_KEY_ID: z.string().min(1).optional(),

  /**
   * The codec server (codec-server/main.ts) that decodes payloads for the Temporal Web UI: where it
   * listens, the bearer token the UI must pass (it refuses to start without one), and the UI origins
   * a browser may call it from.
   */
  CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_SERVER_PORT: port.default(8234),
  CODEC_SERVER_TOKEN: secret.optional(),
  CODEC_SERVER_CORS_ORIGINS: urlList.default(['http://127.0.0.1:8233', 'http://localhost:8233']),

  /** Keyed hash of API keys at rest: a stolen key table then reveals nothing usable. */
  API_KEY_PEPPER: secret,
  /** Bearer token every `/metrics` (API, media server, workers) asks for; unset, they answer 404. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * False: no process serves metrics at all. The API's and media servers' `/metrics` answer 404 even
   * with METRICS_TOKEN set, and the workers open neither of their metrics ports.
   */
  METRICS_ENABLED: booleanFlag.default(true),
  /**
   * Each worker process serves its own `GET /metrics` (business figures and Node's, behind
   * METRICS_TOKEN) and, on a second port, the Temporal SDK's figures (task latencies, slots). The SDK's
   * exporter takes no token: keep WORKER_METRICS_HOST on an interface only Prometheus reaches.
   */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_METRICS_PORT: port.default(9464),
  WORKER_SDK_METRICS_PORT: port.default(9465),
  EXOTEL_WORKER_METRICS_PORT: port.default(9466),
  EXOTEL_WORKER_SDK_METRICS_PORT: port.default(9467),
  /** Browser origins allowed to call the API (comma-separated, exact `scheme://host[:port]`); empty = none. */
  CORS_ALLOWED_ORIGINS: z.string().default(''),
  /** Host headers the API answers (comma-separated, host[:port]); the host of PUBLIC_API_URL, 127.0.0.1 and localhost always. */
  API_ALLOWED_HOSTS: z.string().default(''),
  /** Per API key unless the key sets its own: sustained requests per minute, the most in one minute, and per hour. */
  KEY_RATE_LIMIT_PER_MINUTE: positiveInt.default(100),
  KEY_RATE_LIMIT_BURST: positiveInt.default(120),
  KEY_RATE_LIMIT_PER_HOUR: positiveInt.default(1_000),
  /** Spend guard: calls an organization may place per UTC day (single, scheduled and campaign contacts; not yet series occurrences). */
  ORG_DAILY_CALL_CAP: positiveInt.default(50_000),
  /** An organization's share of the calls not yet finished (waiting for a line, scheduled, ringing). */
  ORG_MAX_OPEN_CALLS: positiveInt.default(20_000),
  /** Dashboard login sessions last this long; their cookie is Secure unless switched off for plain-http local use. */
  SESSION_TTL_SEC: positiveInt.default(8 * 3600),
  SESSION_COOKIE_SECURE: booleanFlag.default(true),
  /** Live update streams (docs/api.md, "Live updates"): how often the one shared watch of a call or campaign reads it. */
  LIVE_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** Open event streams per API key (a dashboard session counts as its key), and in all, per API process. */
  LIVE_STREAMS_PER_KEY: positiveInt.default(10),
  LIVE_STREAMS_TOTAL: positiveInt.default(1_000),
  /** A comment this often keeps proxies from closing an idle stream. */
  LIVE_HEARTBEAT_SEC: positiveInt.default(15),
  /** A stream ends after this long and the client reconnects: its key is checked again (revoked, expired). */
  LIVE_STREAM_MAX_SEC: positiveInt.default(600),

  DEFAULT_COUNTRY: z.string().length(2).default('IN'),

  /** Calls start only inside this daily window in the callee's country's zones (TRAI: 09:00–21:00); a request can narrow it, never widen it. */
  LEGAL_CALLING_WINDOW_START: timeOfDay.default('09:00'),
  LEGAL_CALLING_WINDOW_END: timeOfDay.default('21:00'),
  /** The callee's time zone when a request names none. */
  DEFAULT_CALLEE_TIMEZONE: timeZone.default('Asia/Kolkata'),
  /** The account's own time zone: a date without a time in a list's or report's `from`/`to` is that whole day there. */
  ACCOUNT_TIMEZONE: timeZone.default('Asia/Kolkata'),
  /** Retries whose policy sets `avoidPeakHours` do not land in this daily window (callee's time zone). */
  PEAK_HOURS_START: timeOfDay.default('10:00'),
  PEAK_HOURS_END: timeOfDay.default('13:00'),
  /** Destination countries an organization may call unless ORG_CALLING_POLICIES says otherwise (comma-separated). */
  CALLING_ALLOWED_COUNTRIES: commaList(countryCode).default(['IN']),
  /** Number types (libphonenumber's) that may be dialed; premium-rate and shared-cost are left out on purpose. */
  CALLING_ALLOWED_NUMBER_TYPES: commaList(numberType).default(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE', 'VOIP', 'PERSONAL_NUMBER', 'UAN']),
  /** LLM models an agent may name. */
  CALLING_LLM_MODELS: commaList(llmModel).default(['gpt-4o-mini', 'gpt-4o']),
  /** The longest call an agent may ask for (Exotel's TimeLimit; 14400 is Exotel's own ceiling). */
  CALLING_MAX_CALL_DURATION_SEC: callDurationSec.default(3_600),
  /** Per-organization overrides of the four CALLING_* settings, as JSON keyed by organization id. */
  ORG_CALLING_POLICIES: orgCallingPolicies.default({}),
  /** Outcome webhooks may go to loopback, private and link-local addresses (local stacks and tests only). */
  OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag.default(false),
  /** Outcome webhooks may go to plain http URLs besides https (local stacks and tests only). */
  OUTCOME_WEBHOOK_ALLOW_HTTP: booleanFlag.default(false),
  /** Ask Exotel's number-metadata API before dialing and never dial a DND-registered number. */
  DND_CHECK_ENABLED: booleanFlag.default(false),
  /** How long one DND answer is reused for the same number. */
  DND_CACHE_TTL_SEC: positiveInt.default(86_400),
  /** Seconds before a scheduled call or series occurrence at which its greeting is synthesized into the cache. */
  PREWARM_LEAD_SEC: positiveInt.default(30),
  /**
   * The media server's pool of ready provider connections (docs/prewarming.md): whether it starts with
   * the process, how many Deepgram live streams and speak sockets it keeps open, after how long an
   * unused one is replaced, how long the model's connection may sit idle before a keep-alive request,
   * and the voice the speak sockets are opened for. `POST /api/v1/analytics/prewarming/start` changes
   * them at run time.
   */
  PREWARM_POOL_ENABLED: booleanFlag.default(false),
  PREWARM_POOL_STT_SIZE: z.coerce.number().int().min(0).max(POOL_LIMITS.maxPoolSize).default(2),
  PREWARM_POOL_TTS_SIZE: z.coerce.number().int().min(0).max(POOL_LIMITS.maxPoolSize).default(2),
  PREWARM_POOL_REFRESH_MS: z.coerce.number().int().min(POOL_LIMITS.minRefreshIntervalMs).max(POOL_LIMITS.maxRefreshIntervalMs).default(60_000),
  PREWARM_POOL_LLM_KEEPALIVE_MS: z.coerce.number().int().min(POOL_LIMITS.minLlmKeepAliveMs).max(POOL_LIMITS.maxLlmKeepAliveMs).default(3_000),
  PREWARM_POOL_TTS_VOICE: z.string().min(1).default('aura-2-thalia-en'),

  /** A CSV import or bulk request larger than this is refused whole (413), before any call starts. */
  BULK_MAX_ROWS: positiveInt.default(10_000),
  BULK_MAX_UPLOAD_BYTES: positiveInt.default(10 * 1024 * 1024),
  /** Per-contact variables (extra CSV columns, bulk `variables`): how many, and how long each value may be. */
  BULK_MAX_VARIABLES: positiveInt.default(20),
  BULK_MAX_VARIABLE_CHARS: positiveInt.default(200),
  /** Campaign defaults when a request sets no throttle. */
  CAMPAIGN_DEFAULT_MAX_CONCURRENT: positiveInt.default(5),
  CAMPAIGN_DEFAULT_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** Calls a campaign workflow starts before it continues as new: bounds its history (about 10 events per call). */
  CAMPAIGN_CONTACTS_PER_RUN: z.coerce.number().int().min(10).max(2_000).default(1_000),
  /**
   * Variable columns the API shows and exports in clear (comma-separated names); every other column is
   * masked, because a CSV column may hold personal data (docs/security.md).
   */
  CONTACT_VARIABLES_IN_CLEAR: z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item !== ''))
    .default([]),

  /** Transcripts, recording links and contact variables older than this many days are purged (docs/security.md). */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** How often the retention Schedule runs, and how many records one database round trip clears. */
  RETENTION_EVERY_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(24),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(10).max(5_000).default(500),

  /** Unit prices for the analytics cost estimate, in COST_CURRENCY. Telephony per started minute of a connected call. */
  COST_CURRENCY: z.string().length(3).default('INR'),
  COST_TELEPHONY_PER_MINUTE: z.coerce.number().min(0).default(0.6),
  /** Per call attempt that was dialled, connected or not (Exotel charges unanswered attempts nothing by default). */
  COST_PER_DIAL_ATTEMPT: z.coerce.number().min(0).default(0),
  COST_STT_PER_MINUTE: z.coerce.number().min(0).default(0.36),
  /** Deepgram Aura, per 1,000 characters. */
  COST_TTS_PER_1K_CHARS: z.coerce.number().min(0).default(1.25),
  /** ElevenLabs Flash/Turbo on an API plan, about $0.06 per 1,000 characters. */
  COST_ELEVENLABS_TTS_PER_1K_CHARS: z.coerce.number().min(0).default(5),
  COST_LLM_PER_1K_TOKENS: z.coerce.number().min(0).default(0.05),
} as const;

export const configSchema = z.object(configShape);
export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof typeof configShape;

const SECRET_KEYS = ['WEBHOOK_SECRET', 'MEDIA_TOKEN_SECRET', 'API_KEY_PEPPER', 'PAYLOAD_KEYS'] as const satisfies readonly ConfigKey[];

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        'See .env.example for every variable and its meaning.',
    );
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, so `FOO=` in a .env file falls back to the default instead of failing. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(configShape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** URLs that outside parties are given or that carry calls and keys across the network. */
const PUBLIC_URL_KEYS = [
  'PUBLIC_API_URL',
  'PUBLIC_MEDIA_WS_URL',
  'EXOTEL_FLOW_URL',
  'EXOTEL_BASE_URL',
  'DEEPGRAM_BASE_URL',
  'OPENAI_BASE_URL',
  'ELEVENLABS_BASE_URL',
] as const satisfies readonly ConfigKey[];

/** True for `http:`/`ws:` URLs that leave the machine; loopback hosts may stay plain. */
export function isInsecurePublicUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return !(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

function insecurePublicUrls(config: Config): string[] {
  return PUBLIC_URL_KEYS.filter((key) => {
    const value = config[key];
    return typeof value === 'string' && isInsecurePublicUrl(value);
  });
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const given = withoutEmpty(env);
  const result = configSchema.safeParse(given);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(config)');
        const missingSecret = (SECRET_KEYS as readonly string[]).includes(variable) && given[variable] === undefined;
        return {
          variable,
          message: missingSecret ? `is required: set it to a private random value of at least ${MIN_SECRET_CHARS} characters (e.g. \`openssl rand -hex 32\`)` : issue.message,
        };
      }),
    );
  }
  const config = result.data;
  if (config.EXOTEL_MODE === 'flow' && !config.EXOTEL_FLOW_URL) {
    throw new ConfigError([{ variable: 'EXOTEL_FLOW_URL', message: 'is required when EXOTEL_MODE=flow' }]);
  }
  if (config.LEGAL_CALLING_WINDOW_START >= config.LEGAL_CALLING_WINDOW_END) {
    throw new ConfigError([{ variable: 'LEGAL_CALLING_WINDOW_START', message: 'must be before LEGAL_CALLING_WINDOW_END' }]);
  }
  try {
    parsePayloadKeyring(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID);
  } catch (err) {
    if (err instanceof PayloadKeyError) throw new ConfigError([{ variable: 'PAYLOAD_KEYS', message: err.message }]);
    throw err;
  }
  if (config.PEAK_HOURS_START >= config.PEAK_HOURS_END) {
    throw new ConfigError([{ variable: 'PEAK_HOURS_START', message: 'must be before PEAK_HOURS_END' }]);
  }
  if (config.NODE_ENV === 'production') {
    const insecure = insecurePublicUrls(config);
    if (insecure.length > 0) throw new ConfigError(insecure.map((variable) => ({ variable, message: 'must use https:// or wss:// in production (plain http/ws only on loopback)' })));
  }
  return config;
}
