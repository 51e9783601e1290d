import OpenAI from 'openai';

/** Texts to vectors: what the knowledge base's writer (the API) and its reader (the media server) share. */
export interface TextEmbedder {
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface OpenAiEmbedderConfig {
  apiKey: string;
  baseUrl: string;
  model: string;
  dimensions: number;
  timeoutMs: number;
  maxRetries: number;
}

/** Inputs per request: OpenAI takes up to 2048, but a request is also capped at 300k tokens (about 250 passages of 1200 characters). */
const INPUTS_PER_REQUEST = 200;

/**
 * OpenAI's embeddings through the real `openai` SDK (`embeddings.create`), in batches. The SDK asks
 * for base64 and decodes it; the vectors come back as Float32Arrays of `dimensions` values.
 */
export function createOpenAiEmbedder(config: OpenAiEmbedderConfig): TextEmbedder {
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, timeout: config.timeoutMs, maxRetries: config.maxRetries });
  return {
    model: config.model,
    dimensions: config.dimensions,
    async embed(texts, signal) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += INPUTS_PER_REQUEST) {
        const batch = texts.slice(start, start + INPUTS_PER_REQUEST);
        const answer = await client.embeddings.create({ model: config.model, input: batch, dimensions: config.dimensions }, { signal });
        const ordered = [...answer.data].sort((a, b) => a.index - b.index);
        if (ordered.length !== batch.length) throw new Error(`the embeddings answer has ${ordered.length} vectors for ${batch.length} texts`);
        for (const item of ordered) {
          if (item.embedding.length !== config.dimensions) throw new Error(`an embedding has ${item.embedding.length} dimensions, not ${config.dimensions}`);
          vectors.push(Float32Array.from(item.embedding));
        }
      }
      return vectors;
    },
  };
}

/** A vector as stored: float32 little-endian bytes (2 KB for 512 dimensions, a quarter of a number array's size in BSON). */
export function vectorBytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes;
}

/** From a Buffer, or from the BSON Binary a lean read gives (its `buffer` holds the bytes). */
export function vectorFromBytes(stored: Uint8Array | { buffer: Uint8Array }): Float32Array {
  const bytes = stored instanceof Uint8Array ? stored : stored.buffer;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < vector.length; i += 1) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}
