import { performance } from 'node:perf_hooks';
import type { ChatMessage } from '../domain/conversation/chat-message';
import { referenceMessage, withReference } from '../domain/conversation/knowledge-context';
import { retrievalDecision } from '../domain/knowledge/retrieval-decision';
import type { Logger } from '../lib/logger';
import type { TextEmbedder } from '../lib/openai-embeddings';
import type { AgentKnowledge, KnowledgeStore } from './knowledge-store';
import type { LlmRequest } from './pipeline/llm';

export interface KnowledgeSettings {
  topK: number;
  minScore: number;
  /** The whole lookup (knowledge still loading, the embeddings call, the search); past it the reply goes on without passages. */
  timeoutMs: number;
}

/** What the media server needs to look knowledge up during calls. */
export interface KnowledgeRetrieval {
  store: KnowledgeStore;
  embedder: TextEmbedder;
  settings: KnowledgeSettings;
}

/** One turn's lookup: the passages quoted to the model (none scored high enough: no message) and its times. */
export interface KnowledgeLookup {
  chunkIds: string[];
  message: ChatMessage | undefined;
  /** From the lookup's start to its passages being ready: the time it added to the reply. */
  retrievalMs: number;
  /** Of which the in-memory search. */
  searchMs: number;
}

/**
 * One call's knowledge: the agent's passages start loading with the call (off the greeting's path)
 * and each looked-up turn costs one embeddings call for the caller's words and a cosine top-k over
 * the agent's matrix. A lookup never fails the turn: an error or the timeout is logged and the reply
 * is made without passages.
 */
export class CallKnowledge {
  private state: 'loading' | 'ready' | 'none' = 'loading';
  private readonly knowledge: Promise<AgentKnowledge | undefined>;

  constructor(
    agentId: string,
    private readonly retrieval: KnowledgeRetrieval,
    private readonly logger: Logger,
  ) {
    this.knowledge = retrieval.store.get(agentId);
    this.knowledge.then(
      (found) => (this.state = found && found.index.rows > 0 ? 'ready' : 'none'),
      (err: unknown) => {
        this.state = 'none';
        this.logger.warn({ err }, 'agent knowledge could not be loaded; the call goes on without it');
      },
    );
  }

  /** False once the agent is known to have no searchable knowledge; true while it still loads. */
  get available(): boolean {
    return this.state !== 'none';
  }

  async lookup(text: string): Promise<KnowledgeLookup | undefined> {
    const started = performance.now();
    const { embedder, settings } = this.retrieval;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`knowledge lookup took over ${settings.timeoutMs} ms`)), settings.timeoutMs);
    try {
      const [knowledge, vectors] = await Promise.all([untilAborted(this.knowledge, controller.signal), embedder.embed([text], controller.signal)]);
      if (!knowledge) return undefined;
      const searchStarted = performance.now();
      const hits = knowledge.index.topK(vectors[0], settings.topK, settings.minScore);
      const ended = performance.now();
      const passages = hits.map((hit) => knowledge.passages[hit.row]);
      this.logger.debug({ chunks: passages.map((passage) => passage.chunkId), scores: hits.map((hit) => Math.round(hit.score * 1000) / 1000) }, 'knowledge looked up');
      return {
        chunkIds: passages.map((passage) => passage.chunkId),
        message: passages.length > 0 ? referenceMessage(passages) : undefined,
        retrievalMs: round(ended - started),
        searchMs: round(ended - searchStarted),
      };
    } catch (err) {
      this.logger.warn({ err, elapsedMs: round(performance.now() - started) }, 'knowledge lookup failed; the reply goes on without it');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The model request for a reply to `answers`, the caller's `callerTurn`-th turn. A turn that needs the
 * knowledge base gets a promise of the request with the passages put before the caller's words (and
 * the lookup, for the transcript); any other turn gets `request` itself, at once and unchanged.
 */
export function replyRequest(
  request: LlmRequest,
  answers: string,
  callerTurn: number,
  knowledge: CallKnowledge | undefined,
): { request: LlmRequest | Promise<LlmRequest>; lookup?: Promise<KnowledgeLookup | undefined> } {
  const decision = retrievalDecision({ text: answers, callerTurn, hasKnowledge: knowledge?.available ?? false });
  if (!decision.retrieve || !knowledge) return { request };
  const lookup = knowledge.lookup(answers);
  return { request: lookup.then((found) => (found?.message ? { ...request, messages: withReference(request.messages, found.message) } : request)), lookup };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
