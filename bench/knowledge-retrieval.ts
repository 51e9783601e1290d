/**
 * Knowledge-base retrieval at 10,000 chunks (docs/knowledge.md): the in-memory cosine top-k over the
 * agent's Float32Array matrix, and the whole per-turn lookup as a call makes it (one embeddings call
 * through the real `openai` SDK to the OpenAI simulator, the search, the reference message), each as
 * p50/p99; recall@k of the passage each question was written from; and the cost of a turn that skips
 * the lookup (no embeddings call, the request handed back unchanged and at once). The chunks are
 * embedded by the simulator and loaded through the media server's KnowledgeStore from memory, not
 * from the database. Prints one JSON line per figure and a final `SUMMARY {json}`.
 *
 *   npm run bench:knowledge [-- --chunks 10000 --queries 500 --embeddings-latency-ms 0]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CHUNKING } from '../domain/knowledge/chunking';
import { createLogger } from '../lib/logger';
import { createOpenAiEmbedder } from '../lib/openai-embeddings';
import { CallKnowledge, replyRequest } from '../media-server/knowledge-lookup';
import { KnowledgeStore, type StoredKnowledgeChunk } from '../media-server/knowledge-store';
import type { LlmRequest } from '../media-server/pipeline/llm';
import { createOpenAiSimulator } from '../sim/openai/simulator';
import { percentile, round } from './figures';

const GOAL_P99_MS = 30;
const MODEL = 'text-embedding-3-small';
const DIMENSIONS = 512;
const TOP_K = 3;
const MIN_SCORE = 0.25;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function print(figure: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Deterministic pseudo-random numbers, so every run embeds and asks the same texts. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

const SUBJECTS = ['branch', 'loan', 'card', 'account', 'payment', 'instalment', 'insurance', 'deposit', 'cheque', 'statement', 'locker', 'transfer'];
const PLACES = ['Koramangala', 'Indiranagar', 'Whitefield', 'Jayanagar', 'Malleshwaram', 'Hebbal', 'Marathahalli', 'Yelahanka', 'Banashankari', 'Basavanagudi'];
const FACTS = ['opens', 'closes', 'charges', 'waives', 'requires', 'offers', 'limits', 'extends', 'renews', 'processes', 'verifies', 'refunds'];
const DETAILS = ['identity proof', 'a signed form', 'two photographs', 'an address proof', 'a cancelled cheque', 'the registered mobile', 'a nominee', 'the PAN card'];

/** A passage of about three sentences with a rare code word, which its question also carries. */
function passage(random: () => number, n: number): { text: string; question: string } {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const subject = pick(SUBJECTS);
  const place = pick(PLACES);
  const code = `plan${n.toString(36)}`;
  const sentences = [
    `The ${place} ${subject} desk ${pick(FACTS)} ${code} requests on weekdays.`,
    `Customers asking about ${code} need ${pick(DETAILS)} and ${pick(DETAILS)}.`,
    `The fee for ${code} is ${10 + Math.floor(random() * 990)} rupees, ${pick(FACTS)} within ${1 + Math.floor(random() * 9)} days.`,
  ];
  return { text: sentences.join(' '), question: `What do I need for ${code} at the ${place} ${subject}?` };
}

async function main(): Promise<void> {
  const chunkCount = argument('chunks', 10_000);
  const queryCount = argument('queries', 500);
  const embeddingsLatencyMs = argument('embeddings-latency-ms', 0);
  const quiet = createLogger('bench', { level: 'silent' });
  const simulator = createOpenAiSimulator({ logger: quiet, embeddingsLatencyMs });
  await simulator.start(0);
  const embeddingsRequests = async () => ((await (await fetch(`${simulator.baseUrl}/sim/stats`)).json()) as { embeddings: { requests: number } }).embeddings.requests;
  try {
    const random = generator(19);
    const passages = Array.from({ length: chunkCount }, (_, n) => passage(random, n));
    const longest = Math.max(...passages.map((item) => item.text.length));
    if (longest > DEFAULT_CHUNKING.maxChars) throw new Error('bench passages must fit one chunk');
    // One retry, as the media server's lookups have (a kept-alive connection the server has just closed is retried).
    const embedder = createOpenAiEmbedder({ apiKey: 'bench', baseUrl: `${simulator.baseUrl}/v1`, model: MODEL, dimensions: DIMENSIONS, timeoutMs: 60_000, maxRetries: 1 });

    const embedStarted = performance.now();
    const vectors = await embedder.embed(passages.map((item) => item.text));
    const embedMs = performance.now() - embedStarted;
    print({ figure: 'passages embedded', chunks: chunkCount, ms: round(embedMs), chunksPerSecond: round((chunkCount / embedMs) * 1000) });

    const chunks: StoredKnowledgeChunk[] = passages.map((item, n) => ({ id: `kdoc_bench-${n}`, documentId: 'kdoc_bench', heading: null, text: item.text, vector: vectors[n] }));
    const store = new KnowledgeStore(
      {
        documents: async () => [{ id: 'kdoc_bench', title: 'Bench', embeddingModel: MODEL, embeddingDimensions: DIMENSIONS }],
        chunks: async () => chunks,
      },
      { model: MODEL, dimensions: DIMENSIONS },
      quiet,
    );
    const loadStarted = performance.now();
    const knowledge = await store.get('agent_bench');
    const loadMs = performance.now() - loadStarted;
    if (!knowledge) throw new Error('no knowledge loaded');
    print({ figure: 'matrix built', chunks: knowledge.index.rows, dimensions: DIMENSIONS, ms: round(loadMs), megabytes: round((knowledge.index.rows * DIMENSIONS * 4) / 2 ** 20) });

    const call = new CallKnowledge('agent_bench', { store, embedder, settings: { topK: TOP_K, minScore: MIN_SCORE, timeoutMs: 5_000 } }, createLogger('bench', { level: 'warn' }));
    const asked = Array.from({ length: queryCount }, (_, i) => Math.floor((i * chunkCount) / queryCount));
    const queryVectors = await embedder.embed(asked.map((n) => passages[n].question));

    // Warm-up, so the JIT has compiled the scan before it is timed.
    for (let i = 0; i < 20; i += 1) knowledge.index.topK(queryVectors[i % queryVectors.length], TOP_K, MIN_SCORE);
    const searchMs: number[] = [];
    let found = 0;
    const cpuBefore = process.cpuUsage();
    asked.forEach((n, i) => {
      const started = performance.now();
      const hits = knowledge.index.topK(queryVectors[i], TOP_K, MIN_SCORE);
      searchMs.push(performance.now() - started);
      if (hits.some((hit) => hit.row === n)) found += 1;
    });
    const cpu = process.cpuUsage(cpuBefore);
    // Wall-clock percentiles include time the process waited for a core; the CPU mean shows the scan's own cost.
    const search = {
      p50: round(percentile(searchMs, 50), 2),
      p99: round(percentile(searchMs, 99), 2),
      max: round(Math.max(...searchMs), 2),
      cpuMeanMs: round((cpu.user + cpu.system) / 1000 / queryCount, 2),
    };
    print({ figure: 'in-memory search (cosine top-k)', chunks: chunkCount, queries: queryCount, ...search, recallAtK: round(found / queryCount, 3), loadAverage: round(loadavg()[0], 1) });

    const lookupMs: number[] = [];
    for (const n of asked) {
      const started = performance.now();
      const lookup = await call.lookup(passages[n].question);
      lookupMs.push(performance.now() - started);
      if (!lookup) throw new Error(`the lookup of ${JSON.stringify(passages[n].question)} failed`);
    }
    const endToEnd = { p50: round(percentile(lookupMs, 50), 2), p99: round(percentile(lookupMs, 99), 2), max: round(Math.max(...lookupMs), 2) };
    print({ figure: 'lookup end to end (embeddings call to the simulator + search + message)', embeddingsLatencyMs, ...endToEnd });

    // Turns the decision skips: the request must come back synchronously, unchanged, with no embeddings call.
    const skipped = ['Hello?', 'Okay.', 'Yes, speaking.', 'Thank you so much!', '[DTMF 4]', 'Mm-hmm, go on.', 'haan ji'];
    const request: LlmRequest = { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'x' }, { role: 'user', content: 'y' }], tools: [] };
    const requestsBefore = await embeddingsRequests();
    const skipMs: number[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const started = performance.now();
      const prepared = replyRequest(request, skipped[i % skipped.length], 1 + (i % 5), call);
      skipMs.push(performance.now() - started);
      if (prepared.request !== request || prepared.lookup) throw new Error(`a skipped turn was looked up: ${skipped[i % skipped.length]}`);
    }
    const skippedEmbeddingCalls = (await embeddingsRequests()) - requestsBefore;
    const skip = { p50Us: round(percentile(skipMs, 50) * 1000, 2), p99Us: round(percentile(skipMs, 99) * 1000, 2), embeddingCalls: skippedEmbeddingCalls };
    print({ figure: 'skipped turns (decision only)', turns: skipMs.length, ...skip });

    const summary = {
      chunks: chunkCount,
      dimensions: DIMENSIONS,
      topK: TOP_K,
      queries: queryCount,
      matrixBuildMs: round(loadMs),
      searchP50Ms: search.p50,
      searchP99Ms: search.p99,
      searchCpuMeanMs: search.cpuMeanMs,
      loadAverage: round(loadavg()[0], 1),
      recallAtK: round(found / queryCount, 3),
      embeddingsLatencyMs,
      lookupP50Ms: endToEnd.p50,
      lookupP99Ms: endToEnd.p99,
      skippedTurnP99Us: skip.p99Us,
      skippedTurnEmbeddingCalls: skippedEmbeddingCalls,
      goalP99Ms: GOAL_P99_MS,
      searchMeetsGoal: search.p99 < GOAL_P99_MS,
      lookupMeetsGoal: endToEnd.p99 < GOAL_P99_MS,
    };
    process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  } finally {
    await simulator.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
