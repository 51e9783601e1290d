/**
 * `output_format` of a synthesis request (`codec_sampleRate[_bitrate]`). The simulator makes raw
 * 16-bit little-endian PCM (`pcm_*`) and G.711 μ-law (`ulaw_8000`); MP3, Opus and A-law, which it
 * does not encode, are refused. ElevenLabs' own default is `mp3_44100_128`, so a client that wants PCM
 * must ask for it.
 */
export type OutputFormat = { codec: 'pcm' | 'ulaw'; sampleRate: number; name: string };

const PCM_RATES = [8000, 16000, 22050, 24000, 32000, 44100, 48000];
export const DEFAULT_OUTPUT_FORMAT = 'mp3_44100_128';

export function parseOutputFormat(name: string): OutputFormat | undefined {
  const pcm = /^pcm_(\d+)$/.exec(name);
  if (pcm && PCM_RATES.includes(Number(pcm[1]))) return { codec: 'pcm', sampleRate: Number(pcm[1]), name };
  if (name === 'ulaw_8000') return { codec: 'ulaw', sampleRate: 8000, name };
  return undefined;
}

export function contentTypeOf(format: OutputFormat): string {
  if (format.codec === 'ulaw') return 'audio/basic';
  return 'audio/pcm';
}

/** The PCM the voice makes, in the requested codec: one byte per sample for μ-law. */
export function encodeAudio(pcm: Buffer, format: OutputFormat): Buffer {
  if (format.codec === 'pcm') return pcm;
  const out = Buffer.alloc(pcm.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = linearToMuLaw(pcm.readInt16LE(i * 2));
  return out;
}

/** Segment ends of G.711 μ-law (ITU-T G.711, as in the reference g711.c), on 14-bit magnitudes. */
const MU_LAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const MU_LAW_BIAS = 0x84 >> 2;
const MU_LAW_CLIP = 8159;

/** One 16-bit sample as a G.711 μ-law byte. */
export function linearToMuLaw(sample: number): number {
  let value = sample >> 2;
  const mask = value < 0 ? 0x7f : 0xff;
  if (value < 0) value = -value;
  value = Math.min(value, MU_LAW_CLIP) + MU_LAW_BIAS;
  const segment = MU_LAW_SEGMENT_ENDS.findIndex((end) => value <= end);
  if (segment === -1) return 0x7f ^ mask;
  return ((segment << 4) | ((value >> (segment + 1)) & 0x0f)) ^ mask;
}
