/**
 * Makes the labelled voicemail evaluation set (test/fixtures/voicemail-eval/): recorded answers of
 * people, answering machines and operator announcements, each clean and on a noisy line, as an Exotel
 * call would carry them (telephone band 300–3,400 Hz, 8 kHz μ-law). Speech comes from espeak-ng
 * (English and Hindi voices at several speeds and pitches), noise, band-pass and μ-law from sox; tones
 * are computed here. Every choice comes from a seeded generator, so a run gives the same set again.
 *
 *   apt-get install -y espeak-ng sox
 *   node --import tsx scripts/make-voicemail-eval.ts
 *
 * Tests and the bench read the committed clips and labels.json and never need espeak-ng or sox.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const RATE = 8000;
const OUT_DIR = path.join(__dirname, '..', 'test', 'fixtures', 'voicemail-eval');
const work = mkdtempSync(path.join(tmpdir(), 'vm-eval-'));

type Label = 'human' | 'machine' | 'unreachable';

interface SpeechPart {
  kind: 'speech';
  /** Sentences said in one breath group (pauses of 300–400 ms between them): one transcript line. */
  sentences: string[];
  voice: string;
  reply?: boolean;
}
interface TonePart {
  kind: 'tone';
  tone: ToneSpec;
}
interface SilencePart {
  kind: 'silence';
  ms: number;
}
type Part = SpeechPart | TonePart | SilencePart;

type ToneSpec =
  | { shape: 'single'; hz: number; ms: number }
  | { shape: 'dual'; hz: [number, number]; ms: number }
  | { shape: 'sweep'; fromHz: number; toHz: number; ms: number }
  | { shape: 'sit' };

interface ClipSpec {
  name: string;
  label: Label;
  kind: string;
  language: 'en' | 'hi';
  parts: Part[];
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261204);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (low: number, high: number): number => Math.round(low + random() * (high - low));

const EN_VOICES = ['en-us', 'en-gb', 'en-us+f3', 'en+m3', 'en-gb+f2', 'en-us+m7', 'en+f4'];
const HI_VOICES = ['hi', 'hi+f2', 'hi+m3', 'hi+f4'];
const SPEEDS = [135, 155, 175, 195];

function speak(voice: string, text: string): Float32Array {
  const wav = path.join(work, 'speech.wav');
  const raw = path.join(work, 'speech.raw');
  execFileSync('espeak-ng', ['-v', voice, '-s', String(pick(SPEEDS)), '-p', String(between(35, 65)), '-w', wav, text]);
  execFileSync('sox', ['-R', '-D', wav, '-t', 'raw', '-r', String(RATE), '-b', '16', '-c', '1', '-e', 'signed-integer', raw,
    'silence', '1', '0.01', '-45d', 'reverse', 'silence', '1', '0.01', '-45d', 'reverse']);
  const samples = int16ToFloat(readFileSync(raw));
  return scaleToDb(samples, between(-24, -16));
}

function int16ToFloat(buffer: Buffer): Float32Array {
  const out = new Float32Array(buffer.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = buffer.readInt16LE(i * 2) / 32768;
  return out;
}

function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return 10 * Math.log10(sum / Math.max(1, samples.length) + 1e-12);
}

function scaleToDb(samples: Float32Array, targetDb: number): Float32Array {
  const gain = 10 ** ((targetDb - rmsDb(samples)) / 20);
  return samples.map((value) => value * gain);
}

/** A tone with 5 ms fades, at a level between loud and quiet machines. */
function renderTone(tone: ToneSpec): { samples: Float32Array; hz: number[]; segments: { startMs: number; endMs: number; hz: number[] }[] } {
  const amplitude = 0.1 + random() * 0.35;
  if (tone.shape === 'sit') {
    // ITU-T E.180 special information tone: 950/1400/1800 Hz (carriers' 913.8/1370.6/1776.7), about 330 ms each.
    const steps = random() < 0.5 ? [[913.8, 274], [1370.6, 274], [1776.7, 380]] : [[950, 330], [1400, 330], [1800, 330]];
    const pieces = steps.map(([hz, ms]) => sine([hz], ms, amplitude));
    let at = 0;
    const segments = steps.map(([hz, ms]) => {
      const segment = { startMs: at, endMs: at + ms, hz: [hz] };
      at += ms;
      return segment;
    });
    return { samples: concat(pieces), hz: steps.map(([hz]) => hz), segments };
  }
  if (tone.shape === 'sweep') {
    const n = Math.round((tone.ms * RATE) / 1000);
    const out = new Float32Array(n);
    let phase = 0;
    for (let i = 0; i < n; i += 1) {
      const hz = tone.fromHz + ((tone.toHz - tone.fromHz) * i) / n;
      phase += (2 * Math.PI * hz) / RATE;
      out[i] = amplitude * Math.sin(phase) * fade(i, n);
    }
    return { samples: out, hz: [tone.fromHz, tone.toHz], segments: [{ startMs: 0, endMs: tone.ms, hz: [tone.fromHz, tone.toHz] }] };
  }
  const hz = tone.shape === 'single' ? [tone.hz] : tone.hz;
  return { samples: sine(hz, tone.ms, amplitude), hz, segments: [{ startMs: 0, endMs: tone.ms, hz }] };
}

function sine(hz: number[], ms: number, amplitude: number): Float32Array {
  const n = Math.round((ms * RATE) / 1000);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    let value = 0;
    for (const f of hz) value += Math.sin((2 * Math.PI * f * i) / RATE);
    out[i] = (amplitude / hz.length) * value * fade(i, n);
  }
  return out;
}

function fade(i: number, n: number): number {
  const edge = (5 * RATE) / 1000;
  return Math.min(1, i / edge, (n - 1 - i) / edge);
}

function concat(pieces: Float32Array[]): Float32Array {
  const out = new Float32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

const silence = (ms: number): Float32Array => new Float32Array(Math.round((ms * RATE) / 1000));
const msOf = (samples: number): number => Math.round((samples * 1000) / RATE);

interface Rendered {
  samples: Float32Array;
  speech: { text: string; startMs: number; endMs: number; reply: boolean }[];
  tones: { kind: 'beep' | 'sit'; shape: string; hz: number[]; startMs: number; endMs: number }[];
}

function render(spec: ClipSpec): Rendered {
  const pieces: Float32Array[] = [];
  let at = 0;
  const speech: Rendered['speech'] = [];
  const tones: Rendered['tones'] = [];
  const push = (samples: Float32Array): void => {
    pieces.push(samples);
    at += samples.length;
  };
  for (const part of spec.parts) {
    if (part.kind === 'silence') push(silence(part.ms));
    else if (part.kind === 'tone') {
      const tone = renderTone(part.tone);
      const startMs = msOf(at);
      tones.push({ kind: part.tone.shape === 'sit' ? 'sit' : 'beep', shape: part.tone.shape, hz: tone.hz, startMs, endMs: startMs + msOf(tone.samples.length) });
      push(tone.samples);
    } else {
      const startMs = msOf(at);
      part.sentences.forEach((sentence, index) => {
        if (index > 0) push(silence(between(300, 420)));
        push(speak(part.voice, sentence));
      });
      speech.push({ text: part.sentences.join(' '), startMs, endMs: msOf(at), reply: part.reply === true });
    }
  }
  return { samples: concat(pieces), speech, tones };
}

/** Line noise (sox's seeded generator) at `snrDb` below the clip's speech level, or tones' if it has none. */
function addNoise(samples: Float32Array, rendered: Rendered, snrDb: number, colour: string): Float32Array {
  const raw = path.join(work, 'noise.raw');
  execFileSync('sox', ['-R', '-D', '-n', '-t', 'raw', '-r', String(RATE), '-b', '16', '-c', '1', '-e', 'signed-integer', raw,
    'synth', (samples.length / RATE).toFixed(3), colour]);
  const noise = int16ToFloat(readFileSync(raw)).subarray(0, samples.length);
  const active = rendered.speech.length > 0 ? rendered.speech : rendered.tones;
  const signal = concat(active.map((s) => samples.subarray((s.startMs * RATE) / 1000, (s.endMs * RATE) / 1000)));
  const gain = 10 ** ((rmsDb(signal) - snrDb - rmsDb(noise)) / 20);
  return samples.map((value, i) => value + gain * (noise[i] ?? 0));
}

/** Telephone band-pass and the μ-law leg; the committed file is μ-law, what a trunk carries. */
function telephone(samples: Float32Array, file: string): void {
  const input = path.join(work, 'clip.raw');
  const pcm = Buffer.alloc(samples.length * 2);
  samples.forEach((value, i) => pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32768))), i * 2));
  writeFileSync(input, pcm);
  execFileSync('sox', ['-R', '-D', '-t', 'raw', '-r', String(RATE), '-b', '16', '-c', '1', '-e', 'signed-integer', input,
    '-t', 'raw', '-r', String(RATE), '-b', '8', '-c', '1', '-e', 'u-law', path.join(OUT_DIR, file), 'sinc', '300-3400']);
}

// ---------------------------------------------------------------- the scripts

const say = (voice: string, ...sentences: string[]): SpeechPart => ({ kind: 'speech', sentences, voice });
const reply = (voice: string, ...sentences: string[]): SpeechPart => ({ kind: 'speech', sentences, voice, reply: true });
const quiet = (ms: number): SilencePart => ({ kind: 'silence', ms });
const tone = (spec: ToneSpec): TonePart => ({ kind: 'tone', tone: spec });

const specs: ClipSpec[] = [];
const add = (label: Label, kind: string, language: 'en' | 'hi', parts: Part[]): void => {
  specs.push({ name: `${label}-${kind}-${String(specs.length + 1).padStart(3, '0')}`, label, kind, language, parts });
};

// People: a short hello and then silence, sometimes answering the bot afterwards.
const HELLOS_EN = ['Hello?', 'Yes?', 'Hello, who is this?', 'Hi, yes?', 'Hello, speaking.', 'Yeah, hello?'];
const HELLOS_HI = ['हेलो?', 'हाँ जी, बोलिए।', 'हेलो, कौन बोल रहा है?', 'जी, हाँ?'];
const REPLIES_EN = ['Yes, go ahead.', 'Okay, tell me.', 'Sure, what is it about?', 'Yes, that is me.'];
const REPLIES_HI = ['जी, बताइए।', 'ठीक है, बोलिए।', 'हाँ, मैं ही हूँ।'];
for (let i = 0; i < 14; i += 1) {
  const hindi = i % 3 === 2;
  const voice = pick(hindi ? HI_VOICES : EN_VOICES);
  const parts: Part[] = [quiet(between(200, 1500)), say(voice, pick(hindi ? HELLOS_HI : HELLOS_EN)), quiet(between(2500, 3500))];
  if (i % 2 === 0) parts.push(reply(voice, pick(hindi ? REPLIES_HI : REPLIES_EN)), quiet(1500));
  else if (i % 4 === 1) parts.push(say(voice, hindi ? 'हेलो?' : 'Hello?'), quiet(2500));
  add('human', 'short-hello', hindi ? 'hi' : 'en', parts);
}

// People who talk at length before letting the bot speak, then answer it.
const LONG_EN = [
  ['Yes, hello, this is Rahul speaking.', 'I was just stepping out of a meeting, so please be quick.', 'Who is calling?'],
  ['Hello, good afternoon.', 'I got a missed call from this number yesterday as well.', 'What is this regarding?'],
  ['Hi, yes, this is Sunita.', 'Sorry, the line is a bit bad, I am on the highway right now.'],
  ['Hello? Yes, I can hear you.', 'I have been waiting for a call from the bank about my card.'],
];
const LONG_HI = [
  ['हेलो, हाँ जी, मैं रमेश बोल रहा हूँ।', 'मैं अभी ऑफिस में हूँ, जल्दी बताइए।', 'क्या काम है?'],
  ['नमस्ते जी।', 'कल भी इस नंबर से फ़ोन आया था।', 'किस बारे में बात करनी है?'],
];
for (let i = 0; i < 6; i += 1) {
  const hindi = i >= 4;
  const voice = pick(hindi ? HI_VOICES : EN_VOICES);
  add('human', 'long-talker', hindi ? 'hi' : 'en', [
    quiet(between(300, 1000)),
    say(voice, ...(hindi ? LONG_HI[i - 4] : LONG_EN[i])),
    quiet(between(2200, 3200)),
    reply(voice, pick(hindi ? REPLIES_HI : REPLIES_EN)),
    quiet(1500),
  ]);
}

// People who say what a voicemail greeting says, about someone else, and wait for an answer.
const SAYS_EN = [
  ['He is not available right now.', 'Can I take a message?'],
  ['Sorry, she is not available at the moment.', 'You can leave a message with me.'],
  ['My husband is unavailable, he is travelling.', 'He will call you back.'],
  ['Dad is not available to take your call.', 'Who is this?'],
  ['He cannot take your call right now, he is driving.', 'Leave a message and I will tell him.'],
  ['Not available, sorry.', 'Call back later.'],
];
const SAYS_HI = [
  ['वो अभी उपलब्ध नहीं हैं।', 'आप मुझे संदेश दे दीजिए।'],
  ['वह अभी व्यस्त हैं, बाद में कॉल कीजिए।'],
];
for (let i = 0; i < 8; i += 1) {
  const hindi = i >= 6;
  const voice = pick(hindi ? HI_VOICES : EN_VOICES);
  const parts: Part[] = [quiet(between(300, 1000)), say(voice, ...(hindi ? SAYS_HI[i - 6] : SAYS_EN[i])), quiet(between(2200, 3200))];
  if (i % 4 !== 3) parts.push(reply(voice, pick(hindi ? ['हेलो? आप सुन रहे हैं?', 'जी, बोलिए।'] : ['Hello? Are you there?', 'Yes, go on.'])), quiet(1500));
  add('human', 'says-not-available', hindi ? 'hi' : 'en', parts);
}

// Answering machines: greetings of 2–25 s, worded in many ways, most ending in a beep.
const GREETING_SENTENCES_EN = [
  "Hi, you've reached Priya.",
  'Hello, this is Karan.',
  'Hey, it is Dev.',
  'Thank you for calling Meera.',
  'You have reached the voicemail of Arjun Mehta.',
  'This is Anita, I am on the road.',
  "Sorry I missed you, I'm probably in a meeting.",
  "I can't take your call right now.",
  'I am away from my desk.',
  'Nobody can come to the phone.',
  'Say what you need after the signal and I will ring you back.',
  'Please leave your name, number and a short message after the beep.',
  'Please leave a message.',
  'You know what to do.',
  'Speak after the tone.',
  'I will get back to you as soon as I can.',
  'For urgent matters, please call my office on the main number, otherwise wait for the tone.',
  'Our office hours are nine to six, Monday to Saturday.',
  'Tell me who you are and why you called.',
  'Thanks, and have a great day.',
];
const GREETING_SENTENCES_HI = [
  'नमस्ते, मैं अभी फ़ोन नहीं उठा पा रहा हूँ।',
  'आप जिस व्यक्ति को कॉल कर रहे हैं, वह अभी उपलब्ध नहीं हैं।',
  'कृपया बीप के बाद अपना संदेश छोड़िए।',
  'टोन के बाद अपना नाम और नंबर बताइए।',
  'मैं आपको जल्द ही वापस कॉल करूँगा।',
  'धन्यवाद।',
];
const BEEPS: ToneSpec[] = [
  { shape: 'single', hz: 1000, ms: 500 },
  { shape: 'single', hz: 440, ms: 400 },
  { shape: 'single', hz: 520, ms: 300 },
  { shape: 'single', hz: 700, ms: 250 },
  { shape: 'single', hz: 850, ms: 300 },
  { shape: 'single', hz: 1000, ms: 1000 },
  { shape: 'single', hz: 1250, ms: 200 },
  { shape: 'single', hz: 1400, ms: 600 },
  { shape: 'single', hz: 1650, ms: 150 },
  { shape: 'single', hz: 1900, ms: 400 },
  { shape: 'single', hz: 2000, ms: 1500 },
  { shape: 'dual', hz: [950, 1400], ms: 400 },
  { shape: 'dual', hz: [600, 1000], ms: 300 },
  { shape: 'dual', hz: [1300, 1750], ms: 500 },
  { shape: 'sweep', fromHz: 800, toHz: 1600, ms: 300 },
  { shape: 'sweep', fromHz: 1800, toHz: 1100, ms: 250 },
  { shape: 'sweep', fromHz: 500, toHz: 900, ms: 400 },
];
const GREETING_TARGET_S = [2, 3, 4, 4, 5, 6, 6, 7, 8, 9, 10, 12, 15, 18, 22, 25];
/** espeak-ng at these speeds says about 15 characters a second. */
const MS_PER_CHAR = 65;
for (let i = 0; i < 34; i += 1) {
  const hindi = i % 5 === 4;
  const voice = pick(hindi ? HI_VOICES : EN_VOICES);
  const pool = hindi ? GREETING_SENTENCES_HI : GREETING_SENTENCES_EN;
  const targetMs = GREETING_TARGET_S[i % GREETING_TARGET_S.length] * 1000;
  // Sentences, in breath groups of one or two, until their estimated length reaches the target.
  const sentences: string[] = [];
  for (let k = 0, ms = 0; sentences.length === 0 || ms < targetMs; k += 1) {
    const sentence = pool[(i * 3 + k * 7) % pool.length];
    sentences.push(sentence);
    ms += sentence.length * MS_PER_CHAR + 400;
  }
  const parts: Part[] = [quiet(between(200, 1200))];
  for (let k = 0; k < sentences.length; k += 2) {
    if (k > 0) parts.push(quiet(between(700, 1100)));
    parts.push(say(voice, ...sentences.slice(k, k + 2)));
  }
  const beep = i % 6 === 5 ? null : BEEPS[i % BEEPS.length];
  parts.push(quiet(between(250, 700)));
  if (beep) parts.push(tone(beep));
  parts.push(quiet(between(2000, 3000)));
  add('machine', beep ? `greeting-${beep.shape}-beep` : 'greeting-no-beep', hindi ? 'hi' : 'en', parts);
}
// Machines that only beep, after a short silence.
for (let i = 0; i < 4; i += 1) add('machine', 'beep-only', 'en', [quiet(between(800, 2000)), tone(BEEPS[(i * 5 + 3) % BEEPS.length]), quiet(2500)]);

// Operator and network announcements, English and Hindi, with and without the special information tone.
const ANNOUNCEMENTS_EN = [
  ['The number you have dialled is currently switched off.', 'Please try again later.'],
  ['The subscriber you are trying to reach is not reachable at the moment.'],
  ['The number you are calling is out of coverage area.', 'Please try after some time.'],
  ['The number you have dialled does not exist.', 'Please check the number.'],
  ['This number is not in service.'],
  ['Calls to this number are barred.'],
  ['Incoming calls to this number have been barred by the subscriber.'],
];
const ANNOUNCEMENTS_HI = [
  ['आप जिस नंबर पर कॉल कर रहे हैं, वह अभी बंद है।'],
  ['आप जिस नंबर पर कॉल कर रहे हैं, वह अभी पहुँच से बाहर है।'],
  ['आप जिस नंबर पर कॉल कर रहे हैं, वह नेटवर्क क्षेत्र से बाहर है।'],
  ['यह नंबर मौजूद नहीं है, कृपया नंबर जाँच लें।'],
  ['इस नंबर पर कॉल करना प्रतिबंधित है।'],
];
for (let i = 0; i < 14; i += 1) {
  const hindiFirst = i % 3 === 2;
  const withSit = i % 2 === 0;
  const en = ANNOUNCEMENTS_EN[i % ANNOUNCEMENTS_EN.length];
  const hi = ANNOUNCEMENTS_HI[i % ANNOUNCEMENTS_HI.length];
  const enVoice = pick(EN_VOICES);
  const hiVoice = pick(HI_VOICES);
  const parts: Part[] = [quiet(between(200, 800))];
  if (withSit) parts.push(tone({ shape: 'sit' }), quiet(between(200, 400)));
  const first = hindiFirst ? say(hiVoice, ...hi) : say(enVoice, ...en);
  parts.push(first);
  if (i % 4 !== 3) parts.push(quiet(between(700, 1000)), hindiFirst ? say(enVoice, ...en) : say(hiVoice, ...hi));
  parts.push(quiet(1500));
  add('unreachable', withSit ? 'announcement-sit' : 'announcement-words', hindiFirst ? 'hi' : 'en', parts);
}

// ---------------------------------------------------------------- render

const CONDITIONS = [
  { name: 'snr20', snrDb: 20, colour: 'pinknoise' },
  { name: 'snr10', snrDb: 10, colour: 'whitenoise' },
  { name: 'snr5', snrDb: 5, colour: 'brownnoise' },
];

mkdirSync(OUT_DIR, { recursive: true });
for (const file of readdirSync(OUT_DIR)) if (file.endsWith('.ul')) unlinkSync(path.join(OUT_DIR, file));
const clips: unknown[] = [];
try {
  specs.forEach((spec, index) => {
    const rendered = render(spec);
    const noisy = CONDITIONS[index % CONDITIONS.length];
    for (const condition of [{ name: 'clean', snrDb: null as number | null, colour: '' }, noisy]) {
      const file = `${spec.name}-${condition.name}.ul`;
      const samples = condition.snrDb === null ? rendered.samples : addNoise(rendered.samples, rendered, condition.snrDb, condition.colour);
      telephone(samples, file);
      clips.push({
        file,
        label: spec.label,
        kind: spec.kind,
        language: spec.language,
        condition: condition.name,
        durationMs: msOf(rendered.samples.length),
        speech: rendered.speech,
        tones: rendered.tones,
      });
    }
    process.stdout.write(`${spec.name}\n`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(
  path.join(OUT_DIR, 'labels.json'),
  `${JSON.stringify({ sampleRate: RATE, encoding: 'mu-law, 8 bit, mono, headerless', generatedBy: 'scripts/make-voicemail-eval.ts', clips }, null, 1)}\n`,
);
