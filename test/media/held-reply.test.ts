import { createLogger } from '../../lib/logger';
import { BotReply } from '../../media-server/pipeline/bot-reply';
import { PacedAudioOut, type AudioSink } from '../../media-server/pipeline/paced-audio-out';
import { Speaker } from '../../media-server/pipeline/speaker';
import type { SpeechSynthesizer } from '../../media-server/pipeline/tts';
import { FakeLlm, FakeTts, waitUntil } from './fake-providers';

/**
 * A held (speculative) reply: its sentences are synthesized while the caller's turn is still open,
 * so that a confirmed guess plays at once; nothing reaches Exotel before `release`, and a wrong
 * guess is dropped unheard with its synthesis stopped.
 */
const logger = createLogger('held-reply-test', { level: 'silent' });
const REPLY = 'Your payment is due on the thirtieth. Is there anything else?';

function setUp(tts: FakeTts) {
  const sent: string[] = [];
  const sink: AudioSink = {
    sendMedia: () => void sent.push('media'),
    sendMark: (name) => void sent.push(`mark:${name}`),
    sendClear: () => void sent.push('clear'),
  };
  const speaker = new Speaker(new PacedAudioOut(sink, 8000), () => undefined);
  const voice = tts.open({ voice: 'test', sampleRate: 8000, logger });
  const abortedSyntheses: string[] = [];
  const synthesizer: SpeechSynthesizer = {
    synthesize: (text, signal) => {
      signal.addEventListener('abort', () => abortedSyntheses.push(text), { once: true });
      return voice.synthesize(text, signal);
    },
    close: () => undefined,
  };
  let utterancesStarted = 0;
  const reply = new BotReply(
    {
      llm: new FakeLlm(() => ({ text: REPLY, firstTokenMs: 5 })),
      synthesizer,
      startUtterance: () => {
        utterancesStarted += 1;
        return speaker.start();
      },
      logger,
    },
    { model: 'test', messages: [], tools: [] },
    'when is my payment due',
    true,
  );
  return { reply, speaker, sent, abortedSyntheses, utterancesStarted: () => utterancesStarted };
}

describe('a held reply', () => {
  it('synthesizes its sentences before release but plays nothing until released', async () => {
    const tts = new FakeTts(5, 5);
    const { reply, speaker, sent, utterancesStarted } = setUp(tts);

    await waitUntil(() => tts.requests.length === 2, 'both sentences requested while held');
    expect(tts.requests).toEqual(['Your payment is due on the thirtieth.', 'Is there anything else?']);
    // Long enough for all of its audio to have come back: still nothing may have been played.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(utterancesStarted()).toBe(0);
    expect(sent).toEqual([]);
    expect(reply.ttsFirstByteMs).toBeDefined();

    reply.release();
    await waitUntil(() => sent.includes('mark:u1.1'), 'the reply sent to Exotel');
    expect(utterancesStarted()).toBe(1);
    expect(sent[0]).toBe('media');
    speaker.markReturned('u1.1');
    await expect(reply.finished).resolves.toEqual({ spoke: true });
    expect(tts.requests).toHaveLength(2);
    speaker.stop();
  });

  it('aborted before release plays nothing and stops its synthesis', async () => {
    const tts = new FakeTts(5, 60_000);
    const { reply, speaker, sent, abortedSyntheses, utterancesStarted } = setUp(tts);

    await waitUntil(() => tts.requests.length > 0, 'synthesis requested while held');
    reply.abort();
    await expect(reply.finished).resolves.toEqual({ spoke: false });
    expect(abortedSyntheses).toEqual(tts.requests);
    expect(utterancesStarted()).toBe(0);
    expect(sent).toEqual([]);
    speaker.stop();
  });
});
