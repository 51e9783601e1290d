import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase, ChatCompletionTool } from 'openai/resources/chat/completions';
import { createLogger } from '../../lib/logger';
import { createOpenAiSimulator, type OpenAiSimulator, type OpenAiSimulatorOptions } from '../../sim/openai/simulator';

/** Real HTTP on 127.0.0.1 and ephemeral ports; the SDK reaches the simulator through `baseURL` only. */

export const API_KEY = 'test-openai-key';
export const MODEL = 'gpt-4o-mini';

export async function startOpenAiSimulator(options: OpenAiSimulatorOptions = {}): Promise<OpenAiSimulator> {
  const simulator = createOpenAiSimulator({ apiKey: API_KEY, logger: createLogger('openai-sim-test', { level: 'silent' }), ...options });
  await simulator.start(0);
  return simulator;
}

/** As DESIGN 7.3 configures it for voice: short timeout, at most one retry. */
export function sdkClient(simulator: OpenAiSimulator, apiKey = API_KEY): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${simulator.baseUrl}/v1`, timeout: 8000, maxRetries: 0 });
}

export const END_CALL_TOOL: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'end_call',
    description: 'Hang up when the conversation is over.',
    parameters: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] },
  },
};

export function conversation(userText: string): ChatCompletionCreateParamsBase['messages'] {
  return [
    { role: 'system', content: 'You are a polite assistant calling about an appointment.' },
    { role: 'assistant', content: 'Hello, this is the clinic calling about your appointment.' },
    { role: 'user', content: userText },
  ];
}

export async function collect(stream: AsyncIterable<ChatCompletionChunk>, onChunk: (chunk: ChatCompletionChunk) => void = () => undefined): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    onChunk(chunk);
  }
  return chunks;
}

export function streamedText(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function simStats(simulator: OpenAiSimulator): Promise<Record<string, unknown>> {
  return (await rawRequest('GET', `${simulator.baseUrl}/sim/stats`)).json();
}

export interface RawAnswer {
  status: number;
  json: <T = Record<string, unknown>>() => T;
}

/** One request on a fresh connection, body sent as given (to send what the SDK never would). */
export function rawRequest(method: string, url: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = http.request(url, { method, agent: false, headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.end(body);
  });
}

/**
 * Runs `work` and reports the longest event-loop stall meanwhile. The simulator and the client share
 * the test's process: when a loaded machine stalls that loop, a token is read late without the
 * simulator having been slow, so timing bounds allow the stall seen and nothing more.
 */
export async function withLoopStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  try {
    const result = await work();
    return { result, stallMs: loopDelay.max / 1e6 };
  } finally {
    loopDelay.disable();
  }
}
