import { wavHeader } from '../shared/wav-header';
/**
 * The recording Exotel makes of an answered call when the dial asked for one (`Record=true`): the
 * callee's audio as the simulator streamed it, and the bot's as it played into the simulated
 * loudspeaker, both on the call's timeline from the answer. Bot audio queues behind what is still
 * playing and a `clear` silences whatever had not played yet, so the recording holds what the callee
 * heard. `RecordingChannels=dual` keeps the two sides apart (callee left, bot right); `single` mixes them.
 */
export type RecordingChannels = 'single' | 'dual';

/** Where the simulator serves recordings; Ringline's EXOTEL_RECORDING_URL_PREFIXES must hold `<simulator>/recordings/`. */
export const RECORDINGS_PATH = '/recordings';

const BYTES_PER_SAMPLE = 2;
const DEFAULT_SAMPLE_RATE = 8000;

class Track {
  private data = Buffer.alloc(0);
  length = 0;

  write(pcm: Buffer, at: number): void {
    const end = at + pcm.length;
    if (end > this.data.length) {
      const grown = Buffer.alloc(Math.max(end, this.data.length * 2));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    pcm.copy(this.data, at);
    this.length = Math.max(this.length, end);
  }

  silence(from: number, to: number): void {
    this.data.fill(0, Math.min(from, this.length), Math.min(to, this.length));
  }

  sample(index: number): number {
    const at = index * BYTES_PER_SAMPLE;
    return at + BYTES_PER_SAMPLE <= this.length ? this.data.readInt16LE(at) : 0;
  }
}

export class RecordedAudio {
  private sampleRate = DEFAULT_SAMPLE_RATE;
  private readonly callee = new Track();
  private readonly bot = new Track();
  /** Where the bot's next queued audio starts playing, in bytes from the answer. */
  private botPlaysUntil = 0;

  constructor(private readonly answeredAt: number) {}

  /** The media stream's rate; a call whose stream never opened is recorded as silence at 8 kHz. */
  useSampleRate(sampleRate: number): void {
    this.sampleRate = sampleRate;
  }

  calleeSent(pcm: Buffer, at: number): void {
    this.callee.write(wholeSamples(pcm), this.offset(at));
  }

  botSent(pcm: Buffer, at: number): void {
    const start = Math.max(this.offset(at), this.botPlaysUntil);
    const audio = wholeSamples(pcm);
    this.bot.write(audio, start);
    this.botPlaysUntil = start + audio.length;
  }

  botCleared(at: number): void {
    const now = this.offset(at);
    if (now >= this.botPlaysUntil) return;
    this.bot.silence(now, this.botPlaysUntil);
    this.botPlaysUntil = now;
  }

  /** A 16-bit PCM WAV file from the answer to `endedAt`. */
  wav(endedAt: number, channels: RecordingChannels): Buffer {
    const samples = this.offset(endedAt) / BYTES_PER_SAMPLE;
    const channelCount = channels === 'dual' ? 2 : 1;
    const body = Buffer.alloc(samples * channelCount * BYTES_PER_SAMPLE);
    for (let i = 0; i < samples; i += 1) {
      const callee = this.callee.sample(i);
      const bot = this.bot.sample(i);
      if (channels === 'dual') {
        body.writeInt16LE(callee, i * 4);
        body.writeInt16LE(bot, i * 4 + 2);
      } else {
        body.writeInt16LE(Math.max(-32768, Math.min(32767, callee + bot)), i * 2);
      }
    }
    return Buffer.concat([wavHeader(this.sampleRate, body.length, channelCount), body]);
  }

  private offset(at: number): number {
    return Math.max(0, Math.floor(((at - this.answeredAt) * this.sampleRate) / 1000)) * BYTES_PER_SAMPLE;
  }
}

function wholeSamples(pcm: Buffer): Buffer {
  return pcm.length % BYTES_PER_SAMPLE === 0 ? pcm : pcm.subarray(0, pcm.length - 1);
}
