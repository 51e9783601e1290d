/**
 * Deterministic stand-in for a vendor's synthesized voice (the Deepgram and ElevenLabs simulators): a vowel-like harmonic tone (a gliding 120–160 Hz
 * fundamental, harmonics shaped by two formants) under a syllable envelope. Each character of the
 * text gets `msPerChar` of audio: letters and digits are voiced, spaces dip, punctuation is silent,
 * so a sentence is as long as it would be spoken and a voice activity detector hears words and pauses.
 * Produced on demand, chunk by chunk, as 16-bit little-endian mono PCM.
 */
const PEAK = 0.45 * 32767;
const HARMONICS = 12;
/** An /a/-like vowel: formants near 700 and 1200 Hz. */
const FORMANTS = [
  { hz: 700, width: 130 },
  { hz: 1200, width: 150 },
];
/** The formant weighting is computed once at the mean fundamental: the glide moves harmonics only a little. */
const MEAN_F0 = 140;
/** Level changes between characters glide over this long, so there are no clicks. */
const GLIDE_MS = 8;
const SYLLABLE_HZ = 4.5;

export class SyntheticVoice {
  readonly totalSamples: number;
  private readonly levels: number[];
  private readonly samplesPerChar: number;
  private readonly glideSamples: number;
  private readonly weights: number[];
  private position = 0;
  private phase = 0;
  private level = 0;

  constructor(text: string, private readonly sampleRate: number, msPerChar: number) {
    this.levels = [...text].map(characterLevel);
    this.samplesPerChar = (sampleRate * msPerChar) / 1000;
    this.totalSamples = Math.round(this.levels.length * this.samplesPerChar);
    this.glideSamples = Math.max(1, (sampleRate * GLIDE_MS) / 1000);
    this.weights = harmonicWeights(sampleRate);
  }

  get done(): boolean {
    return this.position >= this.totalSamples;
  }

  /** The next `samples` samples (fewer at the end), as bytes. */
  read(samples: number): Buffer {
    const count = Math.max(0, Math.min(samples, this.totalSamples - this.position));
    const out = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i += 1) {
      const n = this.position + i;
      const t = n / this.sampleRate;
      const target = this.levels[Math.min(this.levels.length - 1, Math.floor(n / this.samplesPerChar))];
      this.level += (target - this.level) / this.glideSamples;
      const f0 = MEAN_F0 + 20 * Math.sin(2 * Math.PI * 0.7 * t);
      this.phase = (this.phase + (2 * Math.PI * f0) / this.sampleRate) % (2 * Math.PI);
      const syllable = 0.55 + 0.45 * Math.sin(Math.PI * SYLLABLE_HZ * t) ** 2;
      out.writeInt16LE(Math.round(PEAK * this.level * syllable * harmonicTone(this.phase, this.weights)), i * 2);
    }
    this.position += count;
    return out;
  }
}

function characterLevel(character: string): number {
  if (/[\p{L}\p{N}]/u.test(character)) return 1;
  if (/\s/.test(character)) return 0.25;
  if (/[.,!?;:]/.test(character)) return 0;
  return 0.25;
}

/** Harmonic k's share of the tone: falling with k, lifted near the formants, none above Nyquist. */
function harmonicWeights(sampleRate: number): number[] {
  const weights: number[] = [];
  for (let k = 1; k <= HARMONICS && k * (MEAN_F0 + 20) < sampleRate / 2; k += 1) {
    const hz = k * MEAN_F0;
    weights.push((1 / k) * (0.3 + FORMANTS.reduce((sum, { hz: center, width }) => sum + Math.exp(-(((hz - center) / width) ** 2)), 0)));
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** Normalized weights keep the sum within ±1. */
function harmonicTone(phase: number, weights: number[]): number {
  let value = 0;
  for (let k = 0; k < weights.length; k += 1) value += weights[k] * Math.sin((k + 1) * phase);
  return value;
}
