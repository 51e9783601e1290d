import { BotAudioPlayback } from '../../sim/exotel/bot-audio-playback';

/** The simulated loudspeaker's gap accounting, on a hand-driven clock (8 kHz: 16 bytes per ms). */
describe('BotAudioPlayback underruns', () => {
  function speaker() {
    let now = 1_000;
    const playback = new BotAudioPlayback(16_000, () => undefined, () => now);
    return { playback, at: (t: number) => (now = t) };
  }

  it('counts audio that arrives after the previous audio finished, within an utterance', () => {
    const { playback, at } = speaker();
    playback.enqueue(1600); // 100 ms, plays until 1100
    at(1090);
    playback.enqueue(1600); // in time: queued behind, plays until 1200
    at(1260);
    playback.enqueue(1600); // 60 ms late: the callee heard silence
    expect(playback.underruns).toBe(1);
    expect(playback.underrunMs).toBe(60);
    expect(playback.firstAudioAt).toBe(1_000);
  });

  it('does not count the pause between utterances (a mark closed the first one)', () => {
    const { playback, at } = speaker();
    playback.enqueue(1600);
    playback.mark('greeting');
    at(5_000);
    playback.enqueue(1600);
    expect(playback.underruns).toBe(0);
  });

  it('ignores timer jitter below 20 ms', () => {
    const { playback, at } = speaker();
    playback.enqueue(1600);
    at(1_115);
    playback.enqueue(1600);
    expect(playback.underruns).toBe(0);
  });
});
