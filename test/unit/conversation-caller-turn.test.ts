import { CallerTurnAssembler, PAUSE_AFTER_WORDS_MS, pausedAfterWords, type TranscriptSegment } from '../../domain/conversation/caller-turn';

function seg(text: string, isFinal: boolean, endsUtterance: boolean, startMs: number, endMs: number): TranscriptSegment {
  const words = text.split(' ').filter(Boolean);
  const step = words.length > 0 ? (endMs - startMs) / words.length : 0;
  return { text, isFinal, endsUtterance, startMs, endMs, words: words.map((_, i) => ({ startMs: startMs + i * step, endMs: startMs + (i + 1) * step })) };
}

describe('caller turn assembly', () => {
  it('joins final segments until the recognizer hears the end of the utterance', () => {
    const turns = new CallerTurnAssembler();
    expect(turns.segment(seg('I want', false, false, 1000, 1400))).toMatchObject({ kind: 'speaking', text: 'I want', stable: false });
    expect(turns.segment(seg('I want to', true, false, 1000, 1500))).toMatchObject({ kind: 'speaking', text: 'I want to', stable: true });
    expect(turns.segment(seg('book', false, false, 1600, 1800))).toMatchObject({ kind: 'speaking', text: 'I want to book' });
    expect(turns.segment(seg('book a table', true, true, 1600, 2200))).toEqual({
      kind: 'complete',
      turn: { text: 'I want to book a table', speechStartMs: 1000, speechEndMs: 2200, closedBy: 'endpointing' },
    });
    expect(turns.pending).toBe(false);
  });

  it('calls an interim stable once it repeats unchanged', () => {
    const turns = new CallerTurnAssembler();
    expect(turns.segment(seg('hello there', false, false, 0, 500))).toMatchObject({ stable: false });
    expect(turns.segment(seg('Hello there.', false, false, 0, 520))).toMatchObject({ stable: true, speechMs: 520 });
    expect(turns.segment(seg('hello there friend', false, false, 0, 900))).toMatchObject({ stable: false });
  });

  it.each([
    ['the audio ends with the last word', 1200, 1200, false],
    ['a gap between words follows it', 1200, 1200 + PAUSE_AFTER_WORDS_MS - 1, false],
    ['a pause follows it', 1200, 1200 + PAUSE_AFTER_WORDS_MS, true],
    ['a long silence follows it', 1200, 3000, true],
  ])('an interim whose %s (last word to %i ms, audio to %i ms) is paused: %s', (_case, lastWordEndMs, windowEndMs, paused) => {
    const interim: TranscriptSegment = {
      text: 'when is it due',
      isFinal: false,
      endsUtterance: false,
      startMs: 0,
      endMs: windowEndMs,
      words: [
        { startMs: 100, endMs: 600 },
        { startMs: 700, endMs: lastWordEndMs },
      ],
    };
    expect(pausedAfterWords(interim)).toBe(paused);
  });

  it('an interim without words is never paused', () => {
    expect(pausedAfterWords({ text: '', isFinal: false, endsUtterance: false, startMs: 0, endMs: 2000, words: [] })).toBe(false);
  });

  it('calls a first interim stable when the caller paused after its words', () => {
    const turns = new CallerTurnAssembler();
    const paused = { ...seg('when is my payment due', false, false, 0, 1300), endMs: 1300 + PAUSE_AFTER_WORDS_MS };
    expect(turns.segment(paused)).toMatchObject({ kind: 'speaking', text: 'when is my payment due', stable: true, speechMs: 1300 });
  });

  it('falls back to utterance-end, but not while words still await their final', () => {
    const turns = new CallerTurnAssembler();
    turns.segment(seg('yes please', true, false, 0, 600));
    turns.segment(seg('and', false, false, 700, 800));
    expect(turns.utteranceEnd()).toEqual({ kind: 'none' });
    turns.segment(seg('and', true, false, 700, 800));
    expect(turns.utteranceEnd()).toMatchObject({ kind: 'complete', turn: { text: 'yes please and', closedBy: 'utterance_end' } });
  });

  it('closes on our silence timer with interim words included', () => {
    const turns = new CallerTurnAssembler();
    turns.segment(seg('maybe', false, false, 0, 300));
    expect(turns.close('silence')).toMatchObject({ kind: 'complete', turn: { text: 'maybe', closedBy: 'silence' } });
    expect(turns.close('silence')).toEqual({ kind: 'none' });
  });

  it('ignores empty results and an end of utterance with nothing said', () => {
    const turns = new CallerTurnAssembler();
    expect(turns.segment(seg('', false, false, 0, 100))).toEqual({ kind: 'none' });
    expect(turns.segment(seg('', true, true, 0, 100))).toEqual({ kind: 'none' });
    expect(turns.utteranceEnd()).toEqual({ kind: 'none' });
  });

  it('takes segment times when the recognizer gives no word timings', () => {
    const turns = new CallerTurnAssembler();
    const progress = turns.segment({ text: 'hi', isFinal: true, endsUtterance: true, startMs: 200, endMs: 450, words: [] });
    expect(progress).toMatchObject({ kind: 'complete', turn: { speechStartMs: 200, speechEndMs: 450 } });
  });
});
