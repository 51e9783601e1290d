import WebSocket from 'ws';
import { clearMessage, markMessage, mediaMessage } from './exotel-protocol';
import type { AudioSink } from './pipeline/paced-audio-out';

/**
 * The bot's side of one Exotel stream: bot audio, marks and clears as Voicebot messages, numbered
 * in sequence; each media chunk carries its number and its place (ms) in the bot's audio timeline.
 */
export class ExotelStream implements AudioSink {
  private sequenceNumber = 0;
  private chunk = 0;
  private timestampMs = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly streamSid: string,
    private readonly chunkMs: number,
  ) {}

  sendMedia(pcm: Buffer): void {
    this.chunk += 1;
    this.send(mediaMessage(this.streamSid, this.nextSequenceNumber(), this.chunk, this.timestampMs, pcm));
    this.timestampMs += this.chunkMs;
  }

  sendMark(name: string): void {
    this.send(markMessage(this.streamSid, this.nextSequenceNumber(), name));
  }

  sendClear(): void {
    this.send(clearMessage(this.streamSid, this.nextSequenceNumber()));
  }

  private send(text: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  private nextSequenceNumber(): number {
    this.sequenceNumber += 1;
    return this.sequenceNumber;
  }
}
