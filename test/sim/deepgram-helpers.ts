import http from 'node:http';
import { DeepgramClient } from '@deepgram/sdk';
import { createLogger } from '../../lib/logger';
import { createDeepgramSimulator, type DeepgramSimulator, type DeepgramSimulatorOptions } from '../../sim/deepgram/simulator';

/** Real sockets on 127.0.0.1 and ephemeral ports; the SDK reaches the simulator through `baseUrl` only. */

export const API_KEY = 'test-deepgram-key';

export async function startDeepgramSimulator(options: DeepgramSimulatorOptions = {}): Promise<DeepgramSimulator> {
  const simulator = createDeepgramSimulator({
    apiKey: API_KEY,
    // Never ask an Exotel simulator that a developer may have running on the default port.
    exotelSimUrl: null,
    logger: createLogger('deepgram-sim-test', { level: 'silent' }),
    ...options,
  });
  await simulator.start(0);
  return simulator;
}

export function sdkClient(simulator: DeepgramSimulator, apiKey = API_KEY): DeepgramClient {
  return new DeepgramClient({ apiKey, baseUrl: simulator.baseUrl });
}

export const SAMPLE_RATE = 8000;

/** A 300 Hz fundamental with two harmonics at about −18 dBFS RMS: loud enough to count as speech. */
export function tone(ms: number, sampleRate = SAMPLE_RATE): Buffer {
  const samples = Math.round((sampleRate * ms) / 1000);
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) {
    const t = i / sampleRate;
    const value = 0.6 * Math.sin(2 * Math.PI * 300 * t) + 0.3 * Math.sin(2 * Math.PI * 600 * t) + 0.1 * Math.sin(2 * Math.PI * 900 * t);
    out.writeInt16LE(Math.round(value * 6000), i * 2);
  }
  return out;
}

/** A pure sine, like an answering machine's beep: loud, but not speech. */
export function beep(ms: number, hz = 1000, sampleRate = SAMPLE_RATE): Buffer {
  const samples = Math.round((sampleRate * ms) / 1000);
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) out.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), i * 2);
  return out;
}

/** Line noise well under the VAD threshold (about −60 dBFS), not digital zero. */
export function silence(ms: number, sampleRate = SAMPLE_RATE): Buffer {
  const samples = Math.round((sampleRate * ms) / 1000);
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) out.writeInt16LE(((i * 7919) % 61) - 30, i * 2);
  return out;
}

export function rmsDbfs(pcm: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return 20 * Math.log10(Math.sqrt(sum / (pcm.length / 2)) / 32768);
}

/**
 * Sends PCM in 20 ms pieces at real-time pace (due times from the start, so timer lateness does not
 * add up). Answers the wall-clock time at which each byte offset in `marks` went out.
 */
export async function sendPaced(send: (chunk: Buffer) => void, pcm: Buffer, marks: number[] = [], sampleRate = SAMPLE_RATE): Promise<number[]> {
  const chunkBytes = (sampleRate / 50) * 2;
  const started = Date.now();
  const sentAt: number[] = [];
  for (let offset = 0, n = 0; offset < pcm.length; offset += chunkBytes, n += 1) {
    const due = started + n * 20;
    if (due > Date.now()) await sleep(due - Date.now());
    send(pcm.subarray(offset, offset + chunkBytes));
    for (const [index, mark] of marks.entries()) if (mark >= offset && mark < offset + chunkBytes) sentAt[index] = Date.now();
  }
  return sentAt;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor<T>(probe: () => T, description: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await sleep(10);
  }
}

export interface HttpAnswer {
  status: number;
  json: <T = Record<string, unknown>>() => T;
}

/** One JSON request on a fresh connection, so no keep-alive socket outlives a test. */
export function jsonRequest(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(url, {
      method,
      agent: false,
      headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.end(payload);
  });
}

export async function simStats(simulator: DeepgramSimulator): Promise<Record<string, unknown>> {
  return (await jsonRequest('GET', `${simulator.baseUrl}/sim/stats`)).json();
}
