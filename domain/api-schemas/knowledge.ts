import { z } from 'zod';
import { instantSchema, pageAnswerSchema, paginationQueryShape, resourceIdSchema } from './common';

const title = z.string().trim().min(1).max(200);

export const knowledgeParamsSchema = z.object({ agentId: resourceIdSchema });
export const knowledgeDocumentParamsSchema = z.object({ agentId: resourceIdSchema, documentId: resourceIdSchema });

/** A document sent as JSON: its text is plain text or Markdown (headings make its sections). */
export const createKnowledgeDocumentSchema = z.strictObject({ title, text: z.string().min(1) });
export type CreateKnowledgeDocumentRequest = z.infer<typeof createKnowledgeDocumentSchema>;

/** The form fields of a file upload (before the file); without a title, the file's name without its extension. */
export const knowledgeUploadFieldsSchema = z.strictObject({ title: title.optional() });

export const listKnowledgeQuerySchema = z.object({ ...paginationQueryShape });

export const knowledgeDocumentAnswerSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  title: z.string(),
  source: z.enum(['json', 'upload']),
  filename: z.string().nullable(),
  /** UTF-8 bytes of the text. */
  bytes: z.int().min(0),
  /** Passages it was cut into; their ids are `<id>-<n>`, as call transcripts name the passages a reply used. */
  chunkCount: z.int().min(1),
  embeddingModel: z.string(),
  embeddingDimensions: z.int().min(1),
  createdAt: instantSchema,
});

export const knowledgePageAnswerSchema = pageAnswerSchema(knowledgeDocumentAnswerSchema).extend({
  /** The agent's chunks over all its documents, and how many it may have. */
  chunks: z.int().min(0),
  maxChunks: z.int().min(1),
});

export const knowledgeDeletedAnswerSchema = z.object({ id: z.string(), deleted: z.literal(true), chunksDeleted: z.int().min(0) });
