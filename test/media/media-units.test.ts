import { parseInbound } from '../../media-server/exotel-protocol';
import { InboundAudioClock } from '../../media-server/pipeline/inbound-audio-clock';
import { PacedAudioOut, type AudioSink } from '../../media-server/pipeline/paced-audio-out';
import { CHUNK_BYTES, PcmChunker, chunkMs } from '../../media-server/pipeline/pcm-frames';
import { Speaker, type UtteranceResult } from '../../media-server/pipeline/speaker';

describe('Exotel frames', () => {
  const payload = Buffer.alloc(1600, 1).toString('base64');
  it.each<[string, unknown, object]>([
    ['connected', { event: 'connected' }, { ok: true, message: { event: 'connected' } }],
    [
      'start, snake_case',
      { event: 'start', stream_sid: 's1', start: { stream_sid: 's1', call_sid: 'c1', custom_parameters: { a: 'b', n: 3 }, media_format: { sample_rate: '16000' } } },
      { ok: true, message: { event: 'start', streamSid: 's1', callSid: 'c1', customParameters: { a: 'b', n: '3' }, sampleRate: 16000 } },
    ],
    [
      'start, camelCase, unknown rate',
      { event: 'start', streamSid: 's2', start: { callSid: 'c2', mediaFormat: { sampleRate: 11025 } } },
      { ok: true, message: { event: 'start', streamSid: 's2', callSid: 'c2', customParameters: {}, sampleRate: undefined } },
    ],
    ['start without a call sid', { event: 'start', start: { stream_sid: 's' } }, { ok: false, problem: 'bad_field' }],
    ['media', { event: 'media', media: { chunk: '3', timestamp: '200', payload } }, { ok: true, message: { event: 'media', payload: Buffer.alloc(1600, 1) } }],
    ['media, not base64', { event: 'media', media: { payload: 'a*b=' } }, { ok: false, problem: 'bad_audio' }],
    ['media, odd byte count', { event: 'media', media: { payload: Buffer.alloc(3).toString('base64') } }, { ok: false, problem: 'bad_audio' }],
    ['media without payload', { event: 'media', media: {} }, { ok: false, problem: 'bad_field' }],
    ['dtmf, digit as number', { event: 'dtmf', dtmf: { digit: 5, duration: '100' } }, { ok: true, message: { event: 'dtmf', digit: '5' } }],
    ['dtmf, not a key', { event: 'dtmf', dtmf: { digit: 'x' } }, { ok: false, problem: 'bad_field' }],
    ['mark', { event: 'mark', mark: { name: 'u1.0' } }, { ok: true, message: { event: 'mark', name: 'u1.0' } }],
    ['stop', { event: 'stop', stop: { reason: 'callended' } }, { ok: true, message: { event: 'stop', reason: 'callended' } }],
    ['unknown event', { event: 'playback' }, { ok: false, problem: 'unknown_event' }],
    ['not an object', [1], { ok: false, problem: 'not_json' }],
  ])('%s', (_name, frame, expected) => {
    expect(parseInbound(JSON.stringify(frame))).toMatchObject(expected);
  });

  it('reports a frame that is not JSON', () => {
    expect(parseInbound('{oops')).toMatchObject({ ok: false, problem: 'not_json' });
  });
});

describe('PCM chunks', () => {
  it('are whole 3200-byte chunks whatever the input sizes, the last padded with silence', () => {
    const chunker = new PcmChunker();
    const sizes = [1001, 999, 3200, 7, 5000];
    const chunks = sizes.flatMap((n) => chunker.push(Buffer.alloc(n, 7)));
    const last = chunker.flush() as Buffer;
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(chunks.every((c) => c.length === CHUNK_BYTES)).toBe(true);
    expect(chunks.length).toBe(Math.floor(total / CHUNK_BYTES));
    expect(last.length).toBe(CHUNK_BYTES);
    expect(last.subarray(0, total % CHUNK_BYTES).every((b) => b === 7)).toBe(true);
    expect(last.subarray(total % CHUNK_BYTES).every((b) => b === 0)).toBe(true);
    expect(chunker.flush()).toBeUndefined();
  });

  it('last 200 ms at 8 kHz and 100 ms at 16 kHz', () => {
    expect(chunkMs(8000)).toBe(200);
    expect(chunkMs(16000)).toBe(100);
  });
});

describe('the inbound audio clock', () => {
  it('maps a point of the caller audio to when it reached us', () => {
    const clock = new InboundAudioClock(8000);
    clock.push(1600, 10_000);
    clock.push(1600, 10_100);
    expect(clock.offsetMs).toBe(200);
    expect(clock.wallTimeAt(200)).toBe(10_100);
    expect(clock.wallTimeAt(150)).toBe(10_050);
    expect(clock.wallTimeAt(50)).toBe(9_950);
    expect(clock.wallTimeAt(500)).toBeUndefined();
  });
});

describe('paced audio out', () => {
  it('runs up to three chunks (600 ms) ahead of playback, so a timer 400 ms late still finds audio playing', () => {
    const sent: number[] = [];
    const out = new PacedAudioOut({ sendMedia: (chunk) => void sent.push(chunk.length), sendMark: () => undefined, sendClear: () => undefined }, 8000, () => 0);
    for (let i = 0; i < 5; i += 1) out.enqueueChunk(Buffer.alloc(CHUNK_BYTES));
    expect(sent).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES]);
    out.close();
  });
});

describe('the speaker', () => {
  class RecordingSink implements AudioSink {
    sent: string[] = [];
    sendMedia = (chunk: Buffer) => void this.sent.push(`media:${chunk.length}`);
    sendMark = (name: string) => void this.sent.push(`mark:${name}`);
    sendClear = () => void this.sent.push('clear');
  }

  function setUp() {
    const sink = new RecordingSink();
    const finished: UtteranceResult[] = [];
    const speaker = new Speaker(new PacedAudioOut(sink, 8000), (_u, result) => finished.push(result));
    return { sink, finished, speaker };
  }

  it('is done only when the last mark comes back, and says what was heard', () => {
    const { sink, finished, speaker } = setUp();
    const utterance = speaker.start();
    const first = utterance.addSentence('One.');
    first.write(Buffer.alloc(100));
    first.end();
    const second = utterance.addSentence('Two.');
    second.write(Buffer.alloc(100));
    second.end();
    utterance.close();
    expect(sink.sent).toEqual(['media:3200', 'mark:u1.0', 'media:3200', 'mark:u1.1']);
    expect(speaker.speaking).toBe(true);
    speaker.markReturned('u1.0');
    expect(finished).toEqual([]);
    speaker.markReturned('u1.1');
    expect(finished).toEqual([expect.objectContaining({ spokenText: 'One. Two.', interrupted: false })]);
    expect(speaker.speaking).toBe(false);
    speaker.stop();
  });

  it('on interruption clears Exotel, keeps the sentences whose marks came back, and drops later audio', () => {
    const { sink, finished, speaker } = setUp();
    const utterance = speaker.start();
    const first = utterance.addSentence('Heard.');
    first.write(Buffer.alloc(100));
    first.end();
    const second = utterance.addSentence('Not heard.');
    second.write(Buffer.alloc(100));
    speaker.markReturned('u1.0');
    const result = speaker.interrupt();
    expect(result).toMatchObject({ spokenText: 'Heard.', interrupted: true });
    expect(finished).toHaveLength(1);
    expect(sink.sent[sink.sent.length - 1]).toBe('clear');
    const sentBefore = sink.sent.length;
    second.write(Buffer.alloc(4000));
    second.end();
    speaker.markReturned('u1.1');
    expect(sink.sent).toHaveLength(sentBefore);
    expect(finished).toHaveLength(1);
    speaker.stop();
  });

  it('skips a sentence whose synthesis gave no audio', () => {
    const { finished, speaker } = setUp();
    const utterance = speaker.start();
    utterance.addSentence('Lost.').end();
    const kept = utterance.addSentence('Kept.');
    kept.write(Buffer.alloc(10));
    kept.end();
    utterance.close();
    speaker.markReturned('u1.1');
    expect(finished[0]).toMatchObject({ spokenText: 'Kept.', interrupted: false });
    speaker.stop();
  });
});
