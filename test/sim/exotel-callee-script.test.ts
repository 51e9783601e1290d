import { loadClip } from '../../sim/audio/clip-library';
import { CALLEE_SCRIPT_NAMES, CALLEE_SCRIPTS, spokenLines } from '../../sim/audio/scripts';
import { silentCallee } from '../../sim/exotel/callee-audio';
import { calleeScriptOf, scenarioInputSchema } from '../../sim/exotel/scenarios';
import { ScriptedCallee, type CalleeTurn, type BotLoudspeaker } from '../../sim/exotel/scripted-callee';

/** 8 kHz, 16-bit mono. */
const RATE = 8000;
const BYTES_PER_MS = 16;
const CHUNK_MS = 100;

/** The callee's loudspeaker on a test clock: bot audio plays over the given stretches of stream time. */
class FakeLoudspeaker implements BotLoudspeaker {
  nowMs = 0;
  readonly stretches: { fromMs: number; toMs: number }[] = [];

  play(fromMs: number, lengthMs: number): void {
    this.stretches.push({ fromMs, toMs: fromMs + lengthMs });
  }

  bytesPlayed(): number {
    return this.stretches.reduce((sum, { fromMs, toMs }) => sum + Math.max(0, Math.min(toMs, this.nowMs) - fromMs) * BYTES_PER_MS, 0);
  }

  queuedMs(): number {
    return this.stretches.reduce((sum, { fromMs, toMs }) => sum + Math.max(0, toMs - Math.max(fromMs, this.nowMs)), 0);
  }
}

interface Run {
  pcm: Buffer;
  turns: CalleeTurn[];
  callee: ScriptedCallee;
}

/** Plays `durationMs` of a script, chunk by chunk, as the media leg does; `onChunk` can make the bot talk. */
function run(script: (typeof CALLEE_SCRIPT_NAMES)[number], speaker: FakeLoudspeaker, durationMs: number, onChunk: (endMs: number, callee: ScriptedCallee) => void = () => undefined): Run {
  const callee = new ScriptedCallee({
    script,
    sampleRate: RATE,
    chunkMs: CHUNK_MS,
    line: silentCallee({ callSid: 'c', scenario: { name: 'answer' }, sampleRate: RATE, chunkBytes: CHUNK_MS * BYTES_PER_MS }),
    bot: speaker,
  });
  const turns: CalleeTurn[] = [];
  for (let endMs = CHUNK_MS; endMs <= durationMs; endMs += CHUNK_MS) {
    speaker.nowMs = endMs;
    const turn = callee.nextChunk();
    turns.push(turn);
    onChunk(endMs, callee);
    if (turn.hangUp) break;
  }
  return { pcm: Buffer.concat(turns.map((turn) => turn.pcm)), turns, callee };
}

function clipBytes(name: string): Buffer {
  const samples = loadClip(name, RATE);
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => bytes.writeInt16LE(sample, i * 2));
  return bytes;
}

function isSilent(pcm: Buffer): boolean {
  return pcm.every((byte) => byte === 0);
}

describe('scripted callee', () => {
  it('answers the bot: silent while the bot talks, then the clip after the think pause', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(200, 1000);
    const { pcm, callee } = run('cooperative', speaker, 3000);
    // The bot's audio ends at 1200 ms; "Hello?" follows 500 ms later, sample for sample.
    const [hello] = callee.log();
    expect(hello).toMatchObject({ kind: 'say', what: 'Hello?', startMs: 1700 });
    const clip = clipBytes('cooperative-hello');
    expect(isSilent(pcm.subarray(0, 1700 * BYTES_PER_MS))).toBe(true);
    expect(pcm.subarray(1700 * BYTES_PER_MS, 1700 * BYTES_PER_MS + clip.length)).toEqual(clip);
    expect(isSilent(pcm.subarray(1700 * BYTES_PER_MS + clip.length))).toBe(true);
    // The next line waits for the bot's next turn, which never comes.
    expect(callee.log()).toHaveLength(1);
  });

  it('takes turns through the cooperative script, each line after the bot finished playing', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(0, 800);
    const replies = new Set<number>();
    const { callee } = run('cooperative', speaker, 15_000, (endMs, current) => {
      // The bot replies 700 ms after each line of the callee ends, for 1 s.
      for (const [index, step] of current.log().entries()) {
        if (step.endMs !== null && !replies.has(index) && endMs >= step.endMs + 700) {
          replies.add(index);
          speaker.play(step.endMs + 700, 1000);
        }
      }
    });
    const log = callee.log();
    expect(log.map((step) => step.what)).toEqual(spokenLines('cooperative'));
    const pauses = [500, 400, 600, 500];
    log.forEach((step, index) => {
      const botEndsMs = index === 0 ? 800 : (log[index - 1].endMs as number) + 700 + 1000;
      expect(step.startMs).toBe(botEndsMs + pauses[index]);
    });
  });

  it('says hello unprompted after 2 s when the bot says nothing', () => {
    const { callee } = run('cooperative', new FakeLoudspeaker(), 3000);
    expect(callee.log()[0]).toMatchObject({ what: 'Hello?', startMs: 2000 });
  });

  it('interrupts 800 ms into the bot’s audio, while it is still playing', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(300, 3000);
    const { callee, pcm } = run('interrupter', speaker, 2000);
    expect(callee.log()[0]).toMatchObject({ what: 'Hello? Yes, who is this?', startMs: 1100 });
    expect(isSilent(pcm.subarray(0, 1100 * BYTES_PER_MS))).toBe(true);
    expect(isSilent(pcm.subarray(1100 * BYTES_PER_MS, 1200 * BYTES_PER_MS))).toBe(false);
  });

  it('falls back to turn-taking when the bot stops before the interruption point', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(0, 500);
    const { callee } = run('interrupter', speaker, 1500);
    expect(callee.log()[0]).toMatchObject({ startMs: 900 });
  });

  it('presses keys: a dtmf event per key at its release, with its duration', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(0, 500);
    let replied = false;
    const { turns, callee } = run('dtmf', speaker, 5000, (endMs, current) => {
      const hello = current.log()[0];
      if (!replied && hello?.endMs != null && endMs >= hello.endMs) {
        replied = true;
        speaker.play(endMs, 1000);
      }
    });
    const presses = turns.flatMap((turn, index) => turn.dtmf.map((press) => ({ ...press, chunk: index })));
    expect(presses.map(({ digit, durationMs }) => ({ digit, durationMs }))).toEqual([
      { digit: '5', durationMs: 250 },
      { digit: '1', durationMs: 200 },
    ]);
    const [, five, one] = callee.log();
    expect(five).toMatchObject({ kind: 'dtmf', what: '5' });
    expect(one.startMs).toBe((five.endMs as number) + 400);
    expect(presses[0].chunk).toBe(Math.ceil((five.endMs as number) / CHUNK_MS) - 1);
  });

  it('hangs up 1.5 s into the bot’s audio after its own line', () => {
    const speaker = new FakeLoudspeaker();
    speaker.play(0, 6000);
    const { turns, callee } = run('hang-up-mid-sentence', speaker, 6000);
    const [hello, hangUp] = callee.log();
    expect(hello).toMatchObject({ what: 'Hello? Who is this?', startMs: 400 });
    expect(hangUp.kind).toBe('hang-up');
    // Counted from the chunk in which "Hello?" ended.
    expect(hangUp.startMs).toBeGreaterThanOrEqual((hello.endMs as number) + 1400);
    expect(hangUp.startMs).toBeLessThanOrEqual((hello.endMs as number) + 1600);
    expect(turns.at(-1)?.hangUp).toBe(true);
    expect(turns.filter((turn) => turn.hangUp)).toHaveLength(1);
  });

  it('plays a voicemail greeting at answer, then the beep, then records in silence', () => {
    const { pcm, callee } = run('voicemail', new FakeLoudspeaker(), 9000);
    const [greeting, beep] = callee.log();
    expect(greeting.startMs).toBe(600);
    expect(beep).toMatchObject({ kind: 'sound', startMs: (greeting.endMs as number) + 450, endMs: (greeting.endMs as number) + 950 });
    const beepBytes = clipBytes('beep-1000hz-500ms');
    const at = Math.round(beep.startMs * BYTES_PER_MS);
    expect(pcm.subarray(at, at + beepBytes.length)).toEqual(beepBytes);
    expect(isSilent(pcm.subarray(at + beepBytes.length))).toBe(true);
  });

  it('resamples clips for 16 kHz streams', () => {
    expect(loadClip('cooperative-hello', 16_000).length).toBe(loadClip('cooperative-hello', RATE).length * 2);
  });

  it('has a clip for every spoken step, and picks scripts by scenario', () => {
    for (const name of CALLEE_SCRIPT_NAMES) {
      for (const step of CALLEE_SCRIPTS[name]) if ('clip' in step) expect(loadClip(step.clip, RATE).length).toBeGreaterThan(0);
    }
    expect(calleeScriptOf({ name: 'answer' })).toBe('cooperative');
    expect(calleeScriptOf({ name: 'voicemail' })).toBe('voicemail');
    expect(calleeScriptOf({ name: 'hang-up' })).toBe('hang-up-mid-sentence');
    expect(calleeScriptOf({ name: 'silent' })).toBe('silent');
    expect(calleeScriptOf({ name: 'answer', script: 'dtmf' })).toBe('dtmf');
    expect(scenarioInputSchema.safeParse({ name: 'answer', script: 'interrupter' }).success).toBe(true);
    expect(scenarioInputSchema.safeParse({ name: 'answer', script: 'sing' }).success).toBe(false);
    expect(scenarioInputSchema.safeParse({ name: 'silent', script: 'cooperative' }).success).toBe(false);
  });
});
