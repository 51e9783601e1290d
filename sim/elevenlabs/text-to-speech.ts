import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import { SyntheticVoice } from '../shared/synthetic-voice';
import type { TimerSet } from '../shared/timer-set';
import { streamVoice } from '../shared/voice-streamer';
import { requireApiKey } from './auth';
import { ERRORS, requestId, sendElevenLabsError, sendValidationError, type ElevenLabsErrorDetail } from './elevenlabs-error';
import type { FaultAnswer, InjectedFaults } from './injected-faults';
import { contentTypeOf, DEFAULT_OUTPUT_FORMAT, encodeAudio, parseOutputFormat, type OutputFormat } from './output-format';
import type { ElevenLabsSimulatorTuning } from './simulator-options';
import type { ElevenLabsStats } from './stats';
import { characterLimitOf, DEFAULT_MODEL_ID, findVoice } from './voice-catalog';

/** What a synthesis request asked for, kept for `GET /sim/requests`. */
export interface ReceivedSynthesis {
  voiceId: string;
  modelId: string;
  outputFormat: string;
  text: string;
  at: string;
}

/** The most recent requests kept; older ones are dropped. */
const RECEIVED_KEPT = 500;

const bodySchema = z.looseObject({
  text: z.string(),
  model_id: z.string().min(1).optional(),
});

export interface TextToSpeechDeps {
  apiKey: string | undefined;
  tuning: () => ElevenLabsSimulatorTuning;
  stats: ElevenLabsStats;
  faults: InjectedFaults;
  received: ReceivedSynthesis[];
  /** Streams in flight; the simulator cuts them when it stops. */
  timers: TimerSet;
  logger: Logger;
}

const FAULT_ANSWERS: Record<FaultAnswer, { status: number; detail: (limit: number) => ElevenLabsErrorDetail }> = {
  server_error: { status: 500, detail: () => ERRORS.serverError },
  system_busy: { status: 429, detail: () => ERRORS.systemBusy },
  too_many_concurrent_requests: { status: 429, detail: (limit) => ERRORS.tooManyConcurrent(limit) },
  quota_exceeded: { status: 401, detail: () => ERRORS.quotaExceeded },
};

/**
 * `POST /v1/text-to-speech/{voice_id}/stream` (and the unstreamed `POST /v1/text-to-speech/{voice_id}`,
 * which answers the same bytes): checks in ElevenLabs' order (key 401, output format, voice 404, body
 * 422, length 400), then the plan's concurrency (429 `too_many_concurrent_requests` past the limit),
 * then 200 with the audio streamed: first bytes after `ttsFirstByteMs`, the rest faster than real time.
 * Every answer carries `current-concurrent-requests` and `maximum-concurrent-requests`, as ElevenLabs'
 * do. A client that hangs up stops the stream and frees its place.
 */
export function createTextToSpeechApi(deps: TextToSpeechDeps): { router: Router; inFlight: () => number } {
  const router = express.Router();
  let inFlight = 0;

  const concurrencyHeaders = (): Record<string, string> => ({
    'current-concurrent-requests': String(inFlight),
    'maximum-concurrent-requests': String(deps.tuning().concurrencyLimit),
  });
  const refuse = (res: Response, status: number, detail: ElevenLabsErrorDetail): void => {
    deps.stats.refused(detail.status);
    sendElevenLabsError(res, status, detail, concurrencyHeaders());
  };

  const synthesize = [
    requireApiKey(deps.apiKey, () => (deps.stats.authRefused += 1)),
    (req: Request, res: Response, next: NextFunction) => {
      const formatName = typeof req.query.output_format === 'string' ? req.query.output_format : DEFAULT_OUTPUT_FORMAT;
      const format = parseOutputFormat(formatName);
      if (!format) return refuse(res, 400, ERRORS.unsupportedFormat(formatName));
      const voiceId = String(req.params.voiceId);
      if (!findVoice(voiceId)) return refuse(res, 404, ERRORS.voiceNotFound(voiceId));
      res.locals.format = format;
      next();
    },
    express.json({ type: () => true, limit: '1mb' }),
    (req: Request, res: Response) => {
      const body = bodySchema.safeParse(req.body);
      if (!body.success) {
        deps.stats.refused('validation');
        return sendValidationError(res, ['body', 'text'], 'Field required', 'missing', req.body);
      }
      const modelId = body.data.model_id ?? DEFAULT_MODEL_ID;
      const limit = characterLimitOf(modelId);
      if (limit === undefined) {
        deps.stats.refused('validation');
        return sendValidationError(res, ['body', 'model_id'], `Model ${modelId} does not exist or cannot do text to speech`, 'value_error', modelId);
      }
      const characters = [...body.data.text].length;
      if (body.data.text.trim() === '') {
        deps.stats.refused('validation');
        return sendValidationError(res, ['body', 'text'], 'Text must not be empty', 'string_too_short', body.data.text);
      }
      if (characters > limit) return refuse(res, 400, ERRORS.textTooLong(characters, limit));
      const tuning = deps.tuning();
      const fault = deps.faults.take();
      if (fault) return refuse(res, FAULT_ANSWERS[fault].status, FAULT_ANSWERS[fault].detail(tuning.concurrencyLimit));
      if (inFlight >= tuning.concurrencyLimit) return refuse(res, 429, ERRORS.tooManyConcurrent(tuning.concurrencyLimit));
      const format = res.locals.format as OutputFormat;
      deps.received.push({ voiceId: String(req.params.voiceId), modelId, outputFormat: format.name, text: body.data.text, at: new Date().toISOString() });
      if (deps.received.length > RECEIVED_KEPT) deps.received.shift();
      speak(res, body.data.text, characters, format, tuning);
    },
  ];

  router.post('/v1/text-to-speech/:voiceId/stream', ...synthesize);
  router.post('/v1/text-to-speech/:voiceId', ...synthesize);

  router.use('/v1/text-to-speech', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    deps.stats.refused('validation');
    sendValidationError(res, ['body'], 'JSON decode error', 'json_invalid');
  });

  function speak(res: Response, text: string, characters: number, format: OutputFormat, tuning: ElevenLabsSimulatorTuning): void {
    const { stats } = deps;
    inFlight += 1;
    stats.peakConcurrent = Math.max(stats.peakConcurrent, inFlight);
    stats.ttsRequests += 1;
    stats.charactersSynthesized += characters;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= 1;
    };
    const id = requestId();
    const voice = new SyntheticVoice(text, format.sampleRate, tuning.ttsMsPerChar);
    res.status(200).set({
      'content-type': contentTypeOf(format),
      'request-id': id,
      'x-request-id': id,
      'history-item-id': id,
      'x-character-count': String(characters),
      ...concurrencyHeaders(),
    });
    const stream = streamVoice(voice, format.sampleRate, { chunkMs: tuning.ttsChunkMs, realtimeFactor: tuning.ttsRealtimeFactor }, Date.now() + tuning.ttsFirstByteMs, deps.timers, {
      chunk: (pcm) => {
        stats.audioSecondsSynthesized += pcm.length / 2 / format.sampleRate;
        res.write(encodeAudio(pcm, format));
      },
      end: () => {
        release();
        res.end();
      },
    });
    res.on('close', () => {
      release();
      if (res.writableFinished) return;
      stream.cancel();
      deps.logger.debug({ requestId: id }, 'TTS client hung up mid-stream');
    });
    deps.logger.debug({ requestId: id, characters, outputFormat: format.name }, 'TTS request');
  }

  return { router, inFlight: () => inFlight };
}
