import { loadClip } from '../../sim/audio/clip-library';
import type { ExotelSimulator } from '../../sim/exotel/simulator';
import { CALLER_ID, dialOk, simGet, waitFor, type BotConnection, type BotMessage, type BotServer } from './exotel-helpers';

/** 8 kHz, 16-bit mono. */
export const BYTES_PER_MS = 16;

export interface CalleeStep {
  kind: string;
  what: string;
  startMs: number;
  endMs: number | null;
}

export interface CallWithCallee {
  status: string;
  endReason: string | null;
  script: string[];
  media: { callee: CalleeStep[]; dtmfSent: number; bytesReceived: number } | null;
}

/** The bot plays `ms` of audio: sent at once in 100 ms chunks, it plays out at real time on the callee's side. */
export function botSays(connection: BotConnection, ms: number): number {
  for (let sent = 0; sent < ms; sent += 100) {
    connection.socket.send(JSON.stringify({ event: 'media', stream_sid: 's', media: { payload: Buffer.alloc(100 * BYTES_PER_MS).toString('base64') } }));
  }
  return Date.now();
}

export function messagesOf(connection: BotConnection, event: string): BotMessage[] {
  return connection.messages.filter((message) => message.event === event);
}

/** The callee's audio as the bot received it, in order. */
export function calleeAudio(connection: BotConnection): Buffer {
  return Buffer.concat(messagesOf(connection, 'media').map((message) => Buffer.from((message.media as { payload: string }).payload, 'base64')));
}

export function clipBytes(name: string): Buffer {
  const samples = loadClip(name, 8000);
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => bytes.writeInt16LE(sample, i * 2));
  return bytes;
}

export function isSilent(pcm: Buffer): boolean {
  return pcm.every((byte) => byte === 0);
}

export async function callWithCallee(simulator: ExotelSimulator, sid: string): Promise<CallWithCallee> {
  return simGet<CallWithCallee>(simulator, `/sim/calls/${sid}`);
}

/** Waits until the callee has finished step `index` and answers the steps so far. */
export async function calleeFinished(simulator: ExotelSimulator, sid: string, index: number, timeoutMs = 10_000): Promise<CalleeStep[]> {
  return waitFor(async () => {
    const steps = (await callWithCallee(simulator, sid)).media?.callee ?? [];
    return steps[index]?.endMs != null ? steps : undefined;
  }, `callee step ${index} to finish`, timeoutMs);
}

/** Dials `number`, waits for the media leg, and hands back the call and its connection once `start` is in. */
export async function dialAndConnect(simulator: ExotelSimulator, bot: BotServer, botUrl: string, number: string): Promise<{ sid: string; connection: BotConnection }> {
  const call = await dialOk(simulator, { From: number, CallerId: CALLER_ID, StreamUrl: `${botUrl}/ws?token=t`, StreamType: 'bidirectional' });
  const connection = await waitFor(() => bot.connections.at(-1), 'media connection');
  await waitFor(() => messagesOf(connection, 'start').length === 1, 'start event');
  return { sid: call.Sid, connection };
}
