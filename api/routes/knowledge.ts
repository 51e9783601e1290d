import { Router } from 'express';
import { Agent } from '../../db/models/agent';
import { KnowledgeChunk } from '../../db/models/knowledge-chunk';
import { KnowledgeDocument } from '../../db/models/knowledge-document';
import { withWriteRetry } from '../../db/transient-write-error';
import { knowledgeDocumentParamsSchema, knowledgeParamsSchema, listKnowledgeQuerySchema } from '../../domain/api-schemas/knowledge';
import { chunkDocument, embeddingText } from '../../domain/knowledge/chunking';
import { createOpenAiEmbedder, vectorBytes, type TextEmbedder } from '../../lib/openai-embeddings';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { randomKnowledgeDocumentId } from '../identifiers';
import { receiveKnowledgeDocument } from '../knowledge-upload';

interface StoredDocument {
  _id: string;
  agentId: string;
  title: string;
  source: 'json' | 'upload';
  filename?: string | null;
  bytes: number;
  chunkCount: number;
  embeddingModel: string;
  embeddingDimensions: number;
  createdAt: Date;
}

function toDocumentAnswer(doc: StoredDocument) {
  return {
    id: doc._id,
    agentId: doc.agentId,
    title: doc.title,
    source: doc.source,
    filename: doc.filename ?? null,
    bytes: doc.bytes,
    chunkCount: doc.chunkCount,
    embeddingModel: doc.embeddingModel,
    embeddingDimensions: doc.embeddingDimensions,
    createdAt: doc.createdAt.toISOString(),
  };
}

/**
 * An agent's knowledge base (docs/knowledge.md): documents are cut into passages, embedded with
 * OpenAI's embeddings and stored with their vectors; the media server searches them during calls.
 * Managed like the agent itself (agents.read / agents.write), within the caller's organization.
 */
export function knowledgeRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const embedder = embedderFor(ctx);
  const { config, logger } = ctx;

  const requireAgent = async (orgId: string, agentId: string) => {
    if (!(await Agent.exists({ _id: agentId, orgId }))) throw new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${agentId} does not exist`);
  };

  router.post('/agents/:agentId/knowledge', allow('agents.write'), async (req, res) => {
    const { agentId } = knowledgeParamsSchema.parse(req.params);
    const { orgId } = principalOf(res);
    await requireAgent(orgId, agentId);
    const document = await receiveKnowledgeDocument(req, config.KNOWLEDGE_MAX_DOCUMENT_BYTES);
    const chunks = chunkDocument(document.text);
    if (chunks.length === 0) throw new ApiError(400, 'DOCUMENT_EMPTY', 'The document has no text besides headings and blank lines');
    const stored = await KnowledgeDocument.find({ orgId, agentId }, { chunkCount: 1 }).lean();
    const existing = stored.reduce((sum, doc) => sum + doc.chunkCount, 0);
    if (existing + chunks.length > config.KNOWLEDGE_MAX_CHUNKS_PER_AGENT) {
      throw new ApiError(409, 'KNOWLEDGE_BASE_FULL', `The agent's knowledge base would exceed ${config.KNOWLEDGE_MAX_CHUNKS_PER_AGENT} chunks; delete documents first`, {
        chunks: existing,
        adding: chunks.length,
        maxChunks: config.KNOWLEDGE_MAX_CHUNKS_PER_AGENT,
      });
    }

    const started = Date.now();
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(chunks.map(embeddingText));
    } catch (err) {
      logger.warn({ err, agentId, chunks: chunks.length }, 'knowledge document could not be embedded');
      throw new ApiError(502, 'EMBEDDING_FAILED', 'The embeddings provider did not answer; nothing was stored, try again');
    }

    const id = randomKnowledgeDocumentId();
    // Chunks first and the document last: the media server searches only chunks whose document exists.
    await withWriteRetry(() =>
      KnowledgeChunk.insertMany(
        chunks.map((chunk, ordinal) => ({ _id: `${id}-${ordinal}`, orgId, agentId, documentId: id, ordinal, heading: chunk.heading, text: chunk.text, embedding: vectorBytes(vectors[ordinal]) })),
      ),
    );
    let created;
    try {
      created = await withWriteRetry(() =>
        KnowledgeDocument.create({
          _id: id,
          orgId,
          agentId,
          title: document.title,
          source: document.source,
          filename: document.filename,
          bytes: document.bytes,
          chunkCount: chunks.length,
          embeddingModel: embedder.model,
          embeddingDimensions: embedder.dimensions,
        }),
      );
    } catch (err) {
      await KnowledgeChunk.deleteMany({ documentId: id }).catch(() => undefined);
      throw err;
    }
    logger.info({ agentId, documentId: id, bytes: document.bytes, chunks: chunks.length, durationMs: Date.now() - started }, 'knowledge document added');
    res.status(201).json(toDocumentAnswer(created.toObject() as StoredDocument));
  });

  router.get('/agents/:agentId/knowledge', allow('agents.read'), async (req, res) => {
    const { agentId } = knowledgeParamsSchema.parse(req.params);
    const { page, limit } = listKnowledgeQuerySchema.parse(req.query);
    const { orgId } = principalOf(res);
    await requireAgent(orgId, agentId);
    const all = await KnowledgeDocument.find({ orgId, agentId }).sort({ createdAt: -1, _id: 1 }).lean<StoredDocument[]>();
    res.json({
      data: all.slice((page - 1) * limit, page * limit).map(toDocumentAnswer),
      page,
      limit,
      total: all.length,
      chunks: all.reduce((sum, doc) => sum + doc.chunkCount, 0),
      maxChunks: config.KNOWLEDGE_MAX_CHUNKS_PER_AGENT,
    });
  });

  router.delete('/agents/:agentId/knowledge/:documentId', allow('agents.write'), async (req, res) => {
    const { agentId, documentId } = knowledgeDocumentParamsSchema.parse(req.params);
    const { orgId } = principalOf(res);
    await requireAgent(orgId, agentId);
    // The document first: from then on its chunks are no longer searched, even if deleting them fails.
    const removed = await withWriteRetry(() => KnowledgeDocument.findOneAndDelete({ _id: documentId, orgId, agentId }).lean());
    if (!removed) throw new ApiError(404, 'KNOWLEDGE_DOCUMENT_NOT_FOUND', `Agent ${agentId} has no knowledge document ${documentId}`);
    const { deletedCount } = await withWriteRetry(() => KnowledgeChunk.deleteMany({ documentId }));
    logger.info({ agentId, documentId, chunks: deletedCount }, 'knowledge document deleted');
    res.json({ id: documentId, deleted: true, chunksDeleted: deletedCount });
  });

  return router;
}

function embedderFor({ config }: CallRoutesContext): TextEmbedder {
  return createOpenAiEmbedder({
    apiKey: config.OPENAI_API_KEY,
    baseUrl: config.OPENAI_BASE_URL,
    model: config.KNOWLEDGE_EMBEDDING_MODEL,
    dimensions: config.KNOWLEDGE_EMBEDDING_DIMENSIONS,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    maxRetries: config.OPENAI_MAX_RETRIES,
  });
}
