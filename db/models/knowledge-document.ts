import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A document of an agent's knowledge base (docs/knowledge.md). Documents are never edited: a new
 * version is uploaded and the old one deleted, so the set of an agent's document ids is its
 * knowledge's version, and the media server reloads an agent's chunks only when that set changes.
 */
const knowledgeDocumentSchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    agentId: { type: String, required: true },
    title: { type: String, required: true },
    /** How it arrived: a JSON body, or a file upload (with the file's name). */
    source: { type: String, enum: ['json', 'upload'], required: true },
    filename: { type: String, default: null },
    /** UTF-8 bytes of its text. */
    bytes: { type: Number, required: true },
    chunkCount: { type: Number, required: true },
    /** What its chunks were embedded with; chunks of another model or size are not searched. */
    embeddingModel: { type: String, required: true },
    embeddingDimensions: { type: Number, required: true },
  },
  { timestamps: true, collection: 'knowledge_documents' },
);

knowledgeDocumentSchema.index({ orgId: 1, agentId: 1, createdAt: -1 });
knowledgeDocumentSchema.index({ agentId: 1 });

export type KnowledgeDocumentRecord = InferSchemaType<typeof knowledgeDocumentSchema>;
export const KnowledgeDocument = model('KnowledgeDocument', knowledgeDocumentSchema);
