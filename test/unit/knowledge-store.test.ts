import { createLogger } from '../../lib/logger';
import { KnowledgeStore, type KnowledgeSource, type StoredKnowledgeChunk, type StoredKnowledgeDocument } from '../../media-server/knowledge-store';

const EMBEDDING = { model: 'text-embedding-3-small', dimensions: 2 };
const quiet = createLogger('test', { level: 'silent' });

function source(documents: StoredKnowledgeDocument[], chunks: StoredKnowledgeChunk[]) {
  const reads = { documents: 0, chunks: 0 };
  const from: KnowledgeSource = {
    documents: async () => {
      reads.documents += 1;
      return documents;
    },
    chunks: async () => {
      reads.chunks += 1;
      return chunks;
    },
  };
  return { from, reads, documents, chunks };
}

const doc = (id: string, title = 'Branches', model = EMBEDDING.model): StoredKnowledgeDocument => ({ id, title, embeddingModel: model, embeddingDimensions: 2 });
const chunk = (documentId: string, n: number, heading: string | null, vector: number[]): StoredKnowledgeChunk => ({
  id: `${documentId}-${n}`,
  documentId,
  heading,
  text: `text ${documentId} ${n}`,
  vector: Float32Array.from(vector),
});

describe('agents’ knowledge in the media server’s memory', () => {
  it('loads the chunks of existing documents once, and again only when the set of documents changed', async () => {
    let now = 0;
    const data = source([doc('kdoc_a')], [chunk('kdoc_a', 0, 'Branches > Koramangala', [1, 0]), chunk('kdoc_gone', 0, null, [0, 1])]);
    const store = new KnowledgeStore(data.from, EMBEDDING, quiet, () => now);

    const first = await store.get('agent_1');
    expect(first?.passages).toEqual([{ chunkId: 'kdoc_a-0', source: 'Branches > Koramangala', text: 'text kdoc_a 0' }]);
    expect(first?.index.rows).toBe(1);
    await Promise.all([store.get('agent_1'), store.get('agent_1')]);
    expect(data.reads).toEqual({ documents: 1, chunks: 1 });

    now = 30_000;
    expect(await store.get('agent_1')).toBe(first);
    expect(data.reads).toEqual({ documents: 2, chunks: 1 });

    data.documents.push(doc('kdoc_b', 'Fees'));
    data.chunks.push(chunk('kdoc_b', 0, null, [0, 1]));
    now = 60_000;
    const second = await store.get('agent_1');
    expect(second?.passages.map((passage) => [passage.chunkId, passage.source])).toEqual([
      ['kdoc_a-0', 'Branches > Koramangala'],
      ['kdoc_b-0', 'Fees'],
    ]);
    expect(data.reads).toEqual({ documents: 3, chunks: 2 });
  });

  it('has nothing for an agent without documents, or whose documents were embedded with another model', async () => {
    const none = source([], []);
    expect(await new KnowledgeStore(none.from, EMBEDDING, quiet).get('agent_1')).toBeUndefined();
    const other = source([doc('kdoc_a', 'Old', 'text-embedding-ada-002')], [chunk('kdoc_a', 0, null, [1, 0])]);
    expect(await new KnowledgeStore(other.from, EMBEDDING, quiet).get('agent_1')).toBeUndefined();
    expect(other.reads.chunks).toBe(0);
  });

  it('asks again after a failed read instead of keeping the failure', async () => {
    let fail = true;
    const store = new KnowledgeStore(
      {
        documents: async () => {
          if (fail) throw new Error('database down');
          return [doc('kdoc_a')];
        },
        chunks: async () => [chunk('kdoc_a', 0, null, [1, 0])],
      },
      EMBEDDING,
      quiet,
    );
    await expect(store.get('agent_1')).rejects.toThrow('database down');
    fail = false;
    expect((await store.get('agent_1'))?.index.rows).toBe(1);
  });
});
