import type { WorkflowHandle } from '@temporalio/client';
import { Agent } from '../../db/models/agent';
import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/attempt-address';
import type { CallWorkflowInput, CallWorkflowResult, CallWorkflowStatus } from '../../domain/call-workflow-types';
import type { AgentProfile } from '../../media-server/agent-profile';
import type { CallSnapshot } from '../../sim/exotel/simulated-call';
import { callStatusQuery, callWorkflowId } from '../../workflows/messages';
import { FAST_TIMINGS, simStats, startCallStack, type CallStack, type CallStackOptions } from '../helpers/call-stack';
import type { RealMediaServer } from '../helpers/real-media-server';
import { uniqueName } from '../helpers/temporal-test-env';
import type { ReceivedRequest } from '../../sim/openai/received-requests';

/**
 * The whole call path on loopback for end-to-end tests: API and workflow on the real Temporal dev
 * server → Exotel simulator (dial, scripted callee on the Voicebot stream) → the real media server
 * (Deepgram and OpenAI simulators behind the real SDKs) → media signals → workflow result and CallLog.
 */
export type E2eStack = CallStack<RealMediaServer>;

export function startE2eStack(label: string, config: Record<string, string> = {}, options: Pick<CallStackOptions, 'liveUpdates'> = {}): Promise<E2eStack> {
  return startCallStack({
    ...options,
    label,
    media: 'real',
    // Longer than the clips' pauses inside a line (300–420 ms), so each scripted line is one caller turn.
    config: { DEEPGRAM_ENDPOINTING_MS: '500', ...config },
  });
}

let numberSeq = 0;

/** A fresh number per call (the simulator keys scenarios by number); the suffix picks a built-in scenario. */
export function phoneNumber(suffix: string): string {
  numberSeq += 1;
  return `+9197${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}${suffix}`;
}

export type AgentFields = Partial<Omit<AgentProfile, 'id'>>;

/**
 * An agent of its own per test: the media server caches agents by id for a minute, so one is never
 * edited between calls.
 */
export async function createAgent(fields: AgentFields = {}): Promise<string> {
  const id = uniqueName('agent');
  // updateOne skips schema validation, so tests can use timeouts below the model's minimums.
  await Agent.updateOne(
    { _id: id },
    {
      $set: {
        name: 'Asha',
        prompt: 'You are Asha from Acme Finance, reminding customers of a payment. Be brief.',
        greeting: 'Hello from Acme Finance.',
        noResponsePrompt: 'Are you there?',
        goodbyeMessage: 'Thank you, goodbye.',
        voicemailMessage: 'This is Acme Finance. Please call us back.',
        voice: 'aura-2-thalia-en',
        llmModel: 'gpt-4o-mini',
        maxCallDurationSec: 60,
        noResponseTimeoutSec: 10,
        noResponseHangupSec: 5,
        voicemailDetection: true,
        endPhrases: ['bye', 'goodbye'],
        active: true,
        ...fields,
      },
    },
    { upsert: true },
  );
  return id;
}

/**
 * Starts a call workflow for `agentId`. The workflow waits a little longer than the stand-in tests do
 * for the media server's end signal after Exotel's terminal webhook: the real server writes the last
 * transcript turns before it signals.
 */
export function startCall(stack: E2eStack, phone: string, agentId: string, overrides: Partial<CallWorkflowInput> = {}): Promise<string> {
  const { retryPolicy, ...rest } = overrides;
  return stack.startCall(phone, {
    agentId,
    timings: { ...FAST_TIMINGS, mediaAfterTerminalMs: 2_000 },
    ...(retryPolicy ? { retryPolicy: { jitter: 0, ...retryPolicy } } : {}),
    ...rest,
  });
}

function handle(stack: E2eStack, callId: string): WorkflowHandle {
  return stack.env.client.workflow.getHandle(callWorkflowId(callId));
}

export async function result(stack: E2eStack, callId: string): Promise<CallWorkflowResult> {
  return (await handle(stack, callId).result()) as CallWorkflowResult;
}

export function status(stack: E2eStack, callId: string): Promise<CallWorkflowStatus> {
  return handle(stack, callId).query(callStatusQuery);
}

export interface Turn {
  speaker: 'bot' | 'caller';
  text: string;
  startedAt: Date;
  endedAt?: Date;
  interrupted: boolean;
}

/** The attempt's transcript as the media server wrote it to the CallLog. */
export async function transcript(callId: string, attempt = 1): Promise<Turn[]> {
  const log = await CallLog.findById(attemptCallLogId(callId, attempt)).lean();
  return (log?.transcript ?? []).map((t) => ({
    speaker: t.speaker as Turn['speaker'],
    text: t.text,
    startedAt: t.startedAt,
    endedAt: t.endedAt ?? undefined,
    interrupted: t.interrupted ?? false,
  }));
}

/** `speaker: text`, with `(interrupted)` marked, for readable comparisons. */
export function lines(turns: { speaker: string; text: string; interrupted?: boolean | null }[]): string[] {
  return turns.map((t) => `${t.speaker}: ${t.text}${t.interrupted ? ' (interrupted)' : ''}`);
}

/** The simulator's record of one attempt's Exotel call (dial, callbacks, media leg and callee). */
export async function simCall(stack: E2eStack, callId: string, attempt = 1): Promise<CallSnapshot> {
  const list = (await (await fetch(`${stack.sim.baseUrl}/sim/calls`)).json()) as { calls: { sid: string; customField: string | null }[] };
  const call = list.calls.find((c) => c.customField === `${callId}:${attempt}`);
  if (!call) throw new Error(`no Exotel call for ${callId} attempt ${attempt}`);
  return (await (await fetch(`${stack.sim.baseUrl}/sim/calls/${call.sid}`)).json()) as CallSnapshot;
}

/** Dials per attempt of the call, as the Exotel simulator counted them. */
export async function dials(stack: E2eStack, callId: string): Promise<number[]> {
  const stats = await simStats(stack.sim);
  return Object.entries(stats.dialsByCustomField)
    .filter(([field]) => field.startsWith(`${callId}:`))
    .sort()
    .map(([, count]) => count);
}

/** The names of the workflow's signals, in the order they arrived. */
export async function signalNames(stack: E2eStack, callId: string): Promise<string[]> {
  const history = await handle(stack, callId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const name = event.workflowExecutionSignaledEventAttributes?.signalName;
    return name ? [name] : [];
  });
}

export async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

/** The OpenAI simulator answers a caller turn containing `match` with `reply`. */
export function programReply(stack: E2eStack, match: string, reply: string): Promise<void> {
  return post(`${stack.media.openai.baseUrl}/sim/replies`, { match, reply });
}

/**
 * What the Deepgram simulator hears in the call's audio instead of the Exotel script's lines: the
 * callee's clips still play at their length, with other words. It must be registered before the
 * media stream opens, so the number's scenario rings long enough to find the call's sid (and the
 * call's ring timeout allows for it).
 */
export async function programTranscript(stack: E2eStack, callId: string, utterances: string[]): Promise<void> {
  let sid: string | undefined;
  await waitFor(async () => {
    const list = (await (await fetch(`${stack.sim.baseUrl}/sim/calls`)).json()) as { calls: { sid: string; customField: string | null; status: string }[] };
    const call = list.calls.find((c) => c.customField === `${callId}:1`);
    if (call && call.status !== 'queued' && call.status !== 'ringing') throw new Error(`call ${callId} was answered before its transcript was set`);
    sid = call?.sid;
    return sid !== undefined;
  }, `the Exotel call of ${callId}`);
  await post(`${stack.media.deepgram.baseUrl}/sim/scripts`, { key: sid, utterances });
}

export async function deepgramStats(stack: E2eStack): Promise<{ ttsRequests: number; scriptSources: Record<'registered' | 'exotel' | 'generic', number> }> {
  return (await (await fetch(`${stack.media.deepgram.baseUrl}/sim/stats`)).json()) as never;
}

export async function openAiStats(stack: E2eStack): Promise<{ requests: number; aborted: number; toolCalls: number; replies: Record<string, number> }> {
  return (await (await fetch(`${stack.media.openai.baseUrl}/sim/stats`)).json()) as never;
}

/** The chat requests the OpenAI simulator received (latest 200), each with the reply it generated. */
export async function openAiRequests(stack: E2eStack): Promise<ReceivedRequest[]> {
  return ((await (await fetch(`${stack.media.openai.baseUrl}/sim/requests`)).json()) as { requests: ReceivedRequest[] }).requests;
}

/** Between tests: the simulators forget calls, scripts, replies and counters. */
export function resetSimulators(stack: E2eStack): void {
  stack.sim.reset();
  stack.media.deepgram.reset();
  stack.media.openai.reset();
  stack.media.elevenlabs.reset();
}
