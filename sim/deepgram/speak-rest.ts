import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import { TimerSet } from '../shared/timer-set';
import { checkAuthorization } from './auth';
import { sendDeepgramError } from './deepgram-error';
import { modelUuid } from './listen-messages';
import { parseSpeakParams, type SpeakParams } from './speak-params';
import type { DeepgramSimulatorTuning } from './simulator-options';
import type { DeepgramStats } from './stats';
import { SyntheticVoice } from '../shared/synthetic-voice';
import { streamVoice } from '../shared/voice-streamer';
import { wavHeader } from '../shared/wav-header';

/** Aura's REST limit on one request's text. */
const MAX_TEXT_CHARACTERS = 2000;

const bodySchema = z.object({ text: z.string() });

export interface SpeakRestDeps {
  apiKey: string | undefined;
  tuning: DeepgramSimulatorTuning;
  stats: DeepgramStats;
  /** Streams in flight; the simulator cuts them when it stops. */
  timers: TimerSet;
  logger: Logger;
}

/**
 * `POST /v1/speak`: Aura's REST text-to-speech. Checks run in Deepgram's order (auth 401, query
 * 400, body 400, length 413); the answer is 200 with the audio streamed: the first bytes after
 * `ttsFirstByteMs`, the rest faster than real time. A client that hangs up stops the stream.
 */
export function createSpeakRestApi(deps: SpeakRestDeps): Router {
  const router = express.Router();

  router.post(
    '/v1/speak',
    (req, res, next) => {
      const auth = checkAuthorization(req.get('authorization'), deps.apiKey);
      if (!auth.ok) return refuse(res, 401, 'INVALID_AUTH', auth.message);
      const params = parseSpeakParams(new URL(req.originalUrl, 'http://sim').searchParams);
      if (!params.ok) return refuse(res, 400, 'INVALID_QUERY_PARAMETER', params.message);
      res.locals.speakParams = params.params;
      next();
    },
    express.json({ type: () => true, limit: '1mb' }),
    (req, res) => {
      const body = bodySchema.safeParse(req.body);
      if (!body.success) return refuse(res, 400, 'Bad Request', 'Request body must be JSON with a string field "text".');
      const characters = [...body.data.text].length;
      if (body.data.text.trim() === '') return refuse(res, 400, 'Bad Request', 'Text must not be empty.');
      if (characters > MAX_TEXT_CHARACTERS) {
        return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `Text length ${characters} exceeds the maximum of ${MAX_TEXT_CHARACTERS} characters.`);
      }
      speak(res, body.data.text, characters, res.locals.speakParams as SpeakParams);
    },
  );

  router.use('/v1/speak', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    refuse(res, 400, 'Bad Request', 'Content-type was application/json, but we could not process the JSON payload.');
  });

  function refuse(res: Response, status: number, code: string, message: string): void {
    deps.stats.ttsRequestsRefused += 1;
    sendDeepgramError(res, status, code, message);
  }

  function speak(res: Response, text: string, characters: number, params: SpeakParams): void {
    const { stats, tuning } = deps;
    const requestId = randomUUID();
    const voice = new SyntheticVoice(text, params.sampleRate, tuning.ttsMsPerChar);
    stats.ttsRequests += 1;
    stats.charactersSynthesized += characters;
    res.status(200).set({
      'content-type': params.container === 'wav' ? 'audio/wav' : 'application/octet-stream',
      'dg-request-id': requestId,
      'dg-model-name': params.model,
      'dg-model-uuid': modelUuid(params.model),
      'dg-char-count': String(characters),
    });
    let headerPending = params.container === 'wav';
    const stream = streamVoice(voice, params.sampleRate, { chunkMs: tuning.ttsChunkMs, realtimeFactor: tuning.ttsRealtimeFactor }, Date.now() + tuning.ttsFirstByteMs, deps.timers, {
      chunk: (audio) => {
        stats.audioSecondsSynthesized += audio.length / 2 / params.sampleRate;
        if (headerPending) {
          headerPending = false;
          res.write(wavHeader(params.sampleRate, voice.totalSamples * 2));
        }
        res.write(audio);
      },
      end: () => res.end(),
    });
    res.on('close', () => {
      if (res.writableFinished) return;
      stream.cancel();
      deps.logger.debug({ requestId }, 'TTS client hung up mid-stream');
    });
    deps.logger.debug({ requestId, characters, model: params.model, sampleRate: params.sampleRate }, 'TTS request');
  }

  return router;
}
