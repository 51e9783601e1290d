import type { Request } from 'express';
import { createKnowledgeDocumentSchema, knowledgeUploadFieldsSchema } from '../domain/api-schemas/knowledge';
import { ApiError } from './api-error';
import { receiveMultipartUpload } from './bulk/csv-upload';

/** A knowledge document as a request brought it, checked but not yet cut or embedded. */
export interface ReceivedDocument {
  title: string;
  text: string;
  source: 'json' | 'upload';
  filename: string | null;
  bytes: number;
}

const TEXT_TYPES = new Set(['text/plain', 'text/markdown', 'text/x-markdown']);
const TEXT_EXTENSION = /\.(txt|md|markdown)$/i;

/**
 * The document of `POST /agents/:agentId/knowledge`: a JSON `{title, text}`, or one text or Markdown
 * file in a multipart form (with an optional `title` field before it), read whole since it is small.
 * A text over `maxBytes` is refused with 413, a file of another type with 415, a file that is not
 * UTF-8 with 400; nothing is stored for any of them.
 */
export async function receiveKnowledgeDocument(req: Request, maxBytes: number): Promise<ReceivedDocument> {
  if (req.is('application/json')) {
    const { title, text } = createKnowledgeDocumentSchema.parse(req.body);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) throw documentTooLarge(maxBytes);
    return { title, text, source: 'json', filename: null, bytes };
  }
  if (!req.is('multipart/form-data')) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the document as JSON {title, text}, or as the text or Markdown `file` of a multipart/form-data form');
  }
  const upload = await receiveMultipartUpload(req, { maxBytes });
  try {
    const fields = knowledgeUploadFieldsSchema.parse(upload.fields);
    if (!TEXT_TYPES.has(upload.mimeType.toLowerCase()) && !TEXT_EXTENSION.test(upload.filename)) {
      throw new ApiError(415, 'UNSUPPORTED_FILE_TYPE', 'The file must be plain text or Markdown (text/plain, text/markdown, or a .txt, .md or .markdown name)', {
        mimeType: upload.mimeType,
        filename: upload.filename,
      });
    }
    const parts: Buffer[] = [];
    for await (const part of upload.file) parts.push(part as Buffer);
    const content = Buffer.concat(parts);
    const text = decodeUtf8(content);
    const title = fields.title ?? (upload.filename.replace(TEXT_EXTENSION, '').trim() || 'Untitled');
    return { title: title.slice(0, 200), text, source: 'upload', filename: upload.filename || null, bytes: content.length };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UPLOAD_TOO_LARGE') throw documentTooLarge(maxBytes);
    throw err;
  } finally {
    upload.file.destroy();
  }
}

function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    throw new ApiError(400, 'DOCUMENT_NOT_UTF8', 'The file is not UTF-8 text');
  }
}

function documentTooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'DOCUMENT_TOO_LARGE', `A knowledge document's text may be at most ${maxBytes} bytes`, { maxBytes });
}
