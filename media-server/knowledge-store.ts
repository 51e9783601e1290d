import { KnowledgeChunk } from '../db/models/knowledge-chunk';
import { KnowledgeDocument } from '../db/models/knowledge-document';
import { VectorIndex } from '../domain/knowledge/vector-index';
import type { ReferencePassage } from '../domain/conversation/knowledge-context';
import type { Logger } from '../lib/logger';
import { vectorFromBytes } from '../lib/openai-embeddings';

/** An agent's searchable knowledge: its passages, row for row with the index's vectors. */
export interface AgentKnowledge {
  /** The agent's document ids, sorted and joined: a new or deleted document changes it. */
  version: string;
  passages: ReferencePassage[];
  index: VectorIndex;
}

export interface StoredKnowledgeDocument {
  id: string;
  title: string;
  embeddingModel: string;
  embeddingDimensions: number;
}

export interface StoredKnowledgeChunk {
  id: string;
  documentId: string;
  heading: string | null;
  text: string;
  vector: Float32Array;
}

/** Where the knowledge comes from: the documents (cheap, read to learn the version) and, when it changed, every chunk. */
export interface KnowledgeSource {
  documents(agentId: string): Promise<StoredKnowledgeDocument[]>;
  chunks(agentId: string): Promise<StoredKnowledgeChunk[]>;
}

/** A new or deleted document reaches new calls within this time; in between, calls start without a database read. */
const VERSION_TTL_MS = 30_000;

/**
 * Agents' knowledge in the media server's memory (FerretDB cannot search vectors: docs/database.md).
 * The version (the set of the agent's documents) is read at most every 30 s per agent; the chunks are
 * loaded into one Float32Array matrix only when it changed, so calls of one agent share one copy and
 * one load. Chunks embedded with another model or size than `embedding` (a setting changed since
 * they were uploaded) cannot be compared with a question's vector and are left out, with a warning.
 */
export class KnowledgeStore {
  private readonly cache = new Map<string, { knowledge: Promise<AgentKnowledge | undefined>; checkedAt: number }>();

  constructor(
    private readonly source: KnowledgeSource,
    private readonly embedding: { model: string; dimensions: number },
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The agent's knowledge, undefined when it has none. */
  get(agentId: string): Promise<AgentKnowledge | undefined> {
    const cached = this.cache.get(agentId);
    if (cached && this.now() - cached.checkedAt < VERSION_TTL_MS) return cached.knowledge;
    const knowledge = this.refresh(agentId, cached?.knowledge);
    this.cache.set(agentId, { knowledge, checkedAt: this.now() });
    // A failed read is not kept: the next call asks again.
    knowledge.catch(() => this.cache.delete(agentId));
    return knowledge;
  }

  private async refresh(agentId: string, previous: Promise<AgentKnowledge | undefined> | undefined): Promise<AgentKnowledge | undefined> {
    const all = await this.source.documents(agentId);
    const usable = all.filter((doc) => doc.embeddingModel === this.embedding.model && doc.embeddingDimensions === this.embedding.dimensions);
    if (usable.length < all.length) {
      this.logger.warn({ agentId, documents: all.length - usable.length, ...this.embedding }, 'knowledge documents embedded with another model or size are not searched; upload them again');
    }
    if (usable.length === 0) return undefined;
    const version = usable.map((doc) => doc.id).sort().join(',');
    const before = await previous?.catch(() => undefined);
    if (before?.version === version) return before;

    const started = this.now();
    const titles = new Map(usable.map((doc) => [doc.id, doc.title]));
    const chunks = (await this.source.chunks(agentId)).filter((chunk) => titles.has(chunk.documentId) && chunk.vector.length === this.embedding.dimensions);
    const knowledge: AgentKnowledge = {
      version,
      passages: chunks.map((chunk) => ({ chunkId: chunk.id, source: passageSource(titles.get(chunk.documentId) ?? '', chunk.heading), text: chunk.text })),
      index: VectorIndex.of(this.embedding.dimensions, chunks.map((chunk) => chunk.vector)),
    };
    this.logger.info({ agentId, documents: usable.length, chunks: chunks.length, loadMs: this.now() - started }, 'agent knowledge loaded');
    return knowledge;
  }
}

/** Where a passage comes from: its document's title and its headings, the title once when the first heading repeats it. */
function passageSource(title: string, heading: string | null): string {
  if (!heading) return title;
  return heading === title || heading.startsWith(`${title} > `) ? heading : `${title} > ${heading}`;
}

export const databaseKnowledgeSource: KnowledgeSource = {
  async documents(agentId) {
    const docs = await KnowledgeDocument.find({ agentId }, { title: 1, embeddingModel: 1, embeddingDimensions: 1 }).lean();
    return docs.map((doc) => ({ id: doc._id, title: doc.title, embeddingModel: doc.embeddingModel, embeddingDimensions: doc.embeddingDimensions }));
  },
  async chunks(agentId) {
    const chunks = await KnowledgeChunk.find({ agentId }, { documentId: 1, ordinal: 1, heading: 1, text: 1, embedding: 1 }).lean();
    return chunks
      .sort((a, b) => (a.documentId === b.documentId ? a.ordinal - b.ordinal : a.documentId < b.documentId ? -1 : 1))
      .map((chunk) => ({ id: chunk._id, documentId: chunk.documentId, heading: chunk.heading ?? null, text: chunk.text, vector: vectorFromBytes(chunk.embedding) }));
  },
};
