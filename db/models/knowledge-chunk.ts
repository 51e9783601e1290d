import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One passage of a knowledge document with its embedding. Written before its document and deleted
 * after it (no transactions on FerretDB): a chunk whose document does not exist is never searched.
 */
const knowledgeChunkSchema = new Schema(
  {
    /** `<documentId>-<ordinal>`. */
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    agentId: { type: String, required: true },
    documentId: { type: String, required: true },
    ordinal: { type: Number, required: true },
    heading: { type: String, default: null },
    text: { type: String, required: true },
    /** Float32 little-endian (lib/openai-embeddings.ts vectorBytes). */
    embedding: { type: Buffer, required: true },
  },
  { collection: 'knowledge_chunks' },
);

knowledgeChunkSchema.index({ agentId: 1 });
knowledgeChunkSchema.index({ documentId: 1 });

export type KnowledgeChunkRecord = InferSchemaType<typeof knowledgeChunkSchema>;
export const KnowledgeChunk = model('KnowledgeChunk', knowledgeChunkSchema);
