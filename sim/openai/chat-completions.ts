import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../../lib/logger';
import { authError } from './auth';
import { parseChatRequest, type ChatRequest } from './chat-request';
import type { ReceivedRequests } from './received-requests';
import { chunk, completion, deltaChoice, replyDeltas, usage, type CompletionIdentity, type FinishReason } from './completion-shapes';
import { invalidRequest, sendOpenAiError } from './openai-error';
import type { ProgrammedReplies } from './programmed-replies';
import { decideReply, messageText, type Reply } from './reply-rules';
import type { OpenAiSimulatorPace } from './simulator-options';
import type { OpenAiStats } from './stats';
import { countPromptTokens, tokenize } from './tokens';

export interface ChatCompletionsDeps {
  apiKey: string | undefined;
  pace: OpenAiSimulatorPace;
  stats: OpenAiStats;
  replies: ProgrammedReplies;
  /** Requests being generated; the simulator aborts them when it stops. */
  inFlight: Set<AbortController>;
  received: ReceivedRequests;
  logger: Logger;
}

const BAD_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

/**
 * `POST /v1/chat/completions`. Checks in OpenAI's order (auth 401, JSON 400, parameters 400),
 * decides the reply (reply-rules.ts), then generates it on the model's clock: the first token
 * `ttftMs` after the request, one more every 1/`tokensPerSecond` s. Streamed replies go out as
 * server-sent events as they are generated; others arrive whole when generation ends. A client
 * that hangs up (the SDK's AbortSignal) stops generation at once and is counted as aborted.
 */
export function createChatCompletionsApi(deps: ChatCompletionsDeps): Router {
  const router = express.Router();
  const { stats } = deps;

  router.post(
    '/v1/chat/completions',
    (req, res, next) => {
      stats.requests += 1;
      const error = authError(req.get('authorization'), deps.apiKey);
      if (!error) return next();
      stats.recordError(401);
      sendOpenAiError(res, 401, error);
    },
    express.json({ type: () => true, limit: '10mb' }),
    (req, res) => {
      const parsed = parseChatRequest(req.body);
      if (!parsed.ok) {
        stats.recordError(400);
        return sendOpenAiError(res, 400, parsed.error);
      }
      generate(parsed.request, res).catch((err: unknown) => {
        deps.logger.error({ err }, 'chat completion failed');
        if (res.headersSent) res.destroy();
        else sendOpenAiError(res, 500, { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null });
      });
    },
  );

  router.use('/v1/chat/completions', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    stats.recordError(400);
    sendOpenAiError(res, 400, invalidRequest(BAD_JSON));
  });

  async function generate(request: ChatRequest, res: Response): Promise<void> {
    const startedAt = Date.now();
    const reply = decideReply(request, deps.replies.all());
    deps.received.add({
      at: new Date(startedAt).toISOString(),
      model: request.model,
      messages: request.messages,
      reply: reply.kind === 'text' ? { kind: 'text', text: reply.text } : { kind: 'tool', name: reply.name, arguments: reply.arguments },
    });
    const identity: CompletionIdentity = { id: `chatcmpl-${randomId(29)}`, created: Math.floor(startedAt / 1000), model: request.model };
    const toolCallId = `call_${randomId(24)}`;
    const limit = request.max_completion_tokens ?? request.max_tokens ?? Infinity;
    const allTokens = tokenize(reply.kind === 'text' ? reply.text : reply.arguments);
    // A tool call's name is generated as its first token.
    const budget = reply.kind === 'tool' ? limit - 1 : limit;
    const tokens = allTokens.slice(0, Math.max(0, budget));
    const finishReason: FinishReason = tokens.length < allTokens.length ? 'length' : reply.kind === 'tool' ? 'tool_calls' : 'stop';
    const promptTokens = countPromptTokens([...request.messages.map(messageText), ...(request.tools ?? []).map((tool) => JSON.stringify(tool))]);
    const units = deltaUnits(reply, toolCallId, tokens);
    const totals = usage(promptTokens, units.length);
    const intervalMs = 1000 / deps.pace.tokensPerSecond;
    const dueAt = (unit: number): number => startedAt + deps.pace.ttftMs + unit * intervalMs;

    const controller = new AbortController();
    deps.inFlight.add(controller);
    res.on('close', () => {
      deps.inFlight.delete(controller);
      if (res.writableFinished) return;
      stats.aborted += 1;
      controller.abort();
    });
    stats.recordReply(reply.rule, reply.kind === 'tool');
    stats.promptTokens += promptTokens;
    deps.logger.debug({ id: identity.id, rule: reply.rule, kind: reply.kind, stream: request.stream === true, tokens: units.length }, 'chat completion');

    try {
      if (request.stream !== true) {
        await sleep(Math.max(0, dueAt(units.length - 1) - Date.now()), undefined, { signal: controller.signal });
        stats.completionTokens += units.length;
        stats.completed += 1;
        res.set(responseHeaders(startedAt)).json(completion(identity, reply, toolCallId, tokens.join(''), finishReason, totals));
        return;
      }
      const withUsage = request.stream_options?.include_usage === true;
      const send = (payload: Record<string, unknown> | '[DONE]'): void => {
        res.write(`data: ${payload === '[DONE]' ? payload : JSON.stringify(payload)}\n\n`);
      };
      for (const [index, deltas] of units.entries()) {
        await sleep(Math.max(0, dueAt(index) - Date.now()), undefined, { signal: controller.signal });
        if (index === 0) res.writeHead(200, { ...responseHeaders(startedAt), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        for (const delta of deltas) send(chunk(identity, [deltaChoice(delta)], withUsage));
        stats.completionTokens += 1;
      }
      send(chunk(identity, [deltaChoice({}, finishReason)], withUsage));
      if (withUsage) send(chunk(identity, [], true, totals));
      send('[DONE]');
      stats.completed += 1;
      res.end();
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
  }

  return router;
}

/** Deltas grouped by the token that produces them: a text's role delta travels with its first token. */
function deltaUnits(reply: Reply, toolCallId: string, tokens: string[]): Record<string, unknown>[][] {
  const deltas = replyDeltas(reply, toolCallId, tokens);
  if (reply.kind === 'tool') return deltas.map((delta) => [delta]);
  const [role, ...content] = deltas;
  if (content.length === 0) return [[role]];
  return [[role, content[0]], ...content.slice(1).map((delta) => [delta])];
}

function responseHeaders(startedAt: number): Record<string, string> {
  return {
    'x-request-id': `req_${randomId(32)}`,
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(Date.now() - startedAt),
  };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length: number): string {
  return [...randomBytes(length)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}
