import { CallerVoice } from '../../media-server/pipeline/caller-voice';

/** 100 ms of 8 kHz audio: a 300 Hz tone at about -12 dBFS, or digital silence. */
function chunk(voiced: boolean): Buffer {
  const pcm = Buffer.alloc(1600);
  if (voiced) for (let i = 0; i < 800; i += 1) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / 8000)), i * 2);
  return pcm;
}

describe("the caller's voice as our side hears it", () => {
  it('knows where the voice stopped and how long the caller has been quiet since', () => {
    const voice = new CallerVoice(8000);
    voice.push(chunk(false), 0);
    expect(voice.voiceEndMs).toBeUndefined();
    expect(voice.quietMs).toBe(0);
    voice.push(chunk(true), 100);
    voice.push(chunk(true), 200);
    expect(voice.voiceEndMs).toBe(300);
    expect(voice.quietMs).toBe(0);
    voice.push(chunk(false), 300);
    voice.push(chunk(false), 400);
    expect(voice.voiceEndMs).toBe(300);
    expect(voice.quietMs).toBe(200);
    voice.push(chunk(true), 500);
    expect(voice.quietMs).toBe(0);
  });
});
