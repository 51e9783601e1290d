import request from 'supertest';
import { Agent } from '../../db/models/agent';
import { KnowledgeChunk } from '../../db/models/knowledge-chunk';
import { KnowledgeDocument } from '../../db/models/knowledge-document';
import { createLogger } from '../../lib/logger';
import { vectorFromBytes } from '../../lib/openai-embeddings';
import { createOpenAiSimulator, type OpenAiSimulator } from '../../sim/openai/simulator';
import { simulatedEmbedding } from '../../sim/openai/embedding-vector';
import { startApiHarness, type ApiHarness } from './api-harness';

/** The knowledge routes on the real database, embedding through the real `openai` SDK against the OpenAI simulator. */
let harness: ApiHarness;
let openai: OpenAiSimulator;

const MAX_BYTES = 4096;

beforeAll(async () => {
  openai = createOpenAiSimulator({ logger: createLogger('openai-sim', { level: 'silent' }) });
  await openai.start(0);
  harness = await startApiHarness('knowledge', {
    worker: false,
    config: { OPENAI_BASE_URL: `${openai.baseUrl}/v1`, KNOWLEDGE_MAX_DOCUMENT_BYTES: String(MAX_BYTES), KNOWLEDGE_MAX_CHUNKS_PER_AGENT: '12' },
  });
  await Agent.create({ _id: 'agent_kb', name: 'Asha', prompt: 'You help customers.', greeting: 'Hello.' });
  await Agent.create({ _id: 'agent_kb_other_org', orgId: 'org_other', name: 'Other', prompt: 'p', greeting: 'g' });
});

afterAll(async () => {
  await harness?.close();
  await openai?.stop();
});

const BRANCHES = [
  '# Branches',
  'We have two branches in Bengaluru.',
  '## Koramangala',
  'The Koramangala branch opens at 9:30 on Saturdays and is closed on Sundays.',
  '## Indiranagar',
  'The Indiranagar branch opens at 10:00 every day.',
].join('\n\n');

const embeddings = async () => ((await (await fetch(`${openai.baseUrl}/sim/stats`)).json()) as { embeddings: { requests: number; inputs: number } }).embeddings;

describe('POST /api/v1/agents/:agentId/knowledge', () => {
  it('takes a JSON document: cut by headings, every passage embedded and stored with its vector', async () => {
    const before = await embeddings();
    const res = await harness.api.post('/api/v1/agents/agent_kb/knowledge').send({ title: 'Branches', text: BRANCHES });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^kdoc_[a-z2-7]{16}$/),
      agentId: 'agent_kb',
      title: 'Branches',
      source: 'json',
      filename: null,
      bytes: Buffer.byteLength(BRANCHES),
      chunkCount: 3,
      embeddingModel: 'text-embedding-3-small',
      embeddingDimensions: 512,
      createdAt: expect.any(String),
    });
    const chunks = await KnowledgeChunk.find({ documentId: res.body.id }).sort({ ordinal: 1 }).lean();
    expect(chunks.map((chunk) => [chunk._id, chunk.heading, chunk.text])).toEqual([
      [`${res.body.id}-0`, 'Branches', 'We have two branches in Bengaluru.'],
      [`${res.body.id}-1`, 'Branches > Koramangala', 'The Koramangala branch opens at 9:30 on Saturdays and is closed on Sundays.'],
      [`${res.body.id}-2`, 'Branches > Indiranagar', 'The Indiranagar branch opens at 10:00 every day.'],
    ]);
    // The vector stored is the provider's embedding of the passage with its headings.
    const stored = vectorFromBytes(chunks[1].embedding);
    const expected = simulatedEmbedding('Branches > Koramangala\nThe Koramangala branch opens at 9:30 on Saturdays and is closed on Sundays.', 512);
    expect(stored).toHaveLength(512);
    stored.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 6));
    expect(chunks.every((chunk) => chunk.orgId === 'org_default' && chunk.agentId === 'agent_kb')).toBe(true);
    expect(await embeddings()).toMatchObject({ requests: before.requests + 1, inputs: before.inputs + 3 });
  });

  it('takes a Markdown file upload, titled by its name unless a title field comes first', async () => {
    const named = await harness.api.post('/api/v1/agents/agent_kb/knowledge').attach('file', Buffer.from('# Fees\n\nA late fee of 250 rupees applies.'), { filename: 'fees.md', contentType: 'application/octet-stream' });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ title: 'fees', source: 'upload', filename: 'fees.md', chunkCount: 1 });

    const titled = await harness.api
      .post('/api/v1/agents/agent_kb/knowledge')
      .field('title', 'Tenure rules')
      .attach('file', Buffer.from('\uFEFFThe loan tenure can be extended once.'), { filename: 'notes', contentType: 'text/plain' });
    expect(titled.status).toBe(201);
    expect(titled.body).toMatchObject({ title: 'Tenure rules', source: 'upload', filename: 'notes', chunkCount: 1 });
    expect((await KnowledgeChunk.findById(`${titled.body.id}-0`).lean())?.text).toBe('The loan tenure can be extended once.');
  });

  it.each<[string, (api: ApiHarness['api']) => Promise<{ status: number; body: { error: { code: string } } }>, number, string]>([
    ['a JSON document without a title', (api) => api.post('/api/v1/agents/agent_kb/knowledge').send({ text: 'x' }), 400, 'VALIDATION_ERROR'],
    ['unknown JSON fields', (api) => api.post('/api/v1/agents/agent_kb/knowledge').send({ title: 't', text: 'x', url: 'http://x' }), 400, 'VALIDATION_ERROR'],
    ['a document of headings only', (api) => api.post('/api/v1/agents/agent_kb/knowledge').send({ title: 't', text: '# A\n\n## B\n' }), 400, 'DOCUMENT_EMPTY'],
    ['a JSON text over the limit', (api) => api.post('/api/v1/agents/agent_kb/knowledge').send({ title: 't', text: 'é'.repeat(MAX_BYTES / 2 + 1) }), 413, 'DOCUMENT_TOO_LARGE'],
    ['a file over the limit', (api) => api.post('/api/v1/agents/agent_kb/knowledge').attach('file', Buffer.alloc(MAX_BYTES + 1, 'a'), 'big.txt'), 413, 'DOCUMENT_TOO_LARGE'],
    ['a file that is not text', (api) => api.post('/api/v1/agents/agent_kb/knowledge').attach('file', Buffer.from('%PDF-1.7'), { filename: 'doc.pdf', contentType: 'application/pdf' }), 415, 'UNSUPPORTED_FILE_TYPE'],
    ['a file that is not UTF-8', (api) => api.post('/api/v1/agents/agent_kb/knowledge').attach('file', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'latin1.txt'), 400, 'DOCUMENT_NOT_UTF8'],
    ['a form without a file', (api) => api.post('/api/v1/agents/agent_kb/knowledge').field('title', 'x'), 400, 'FILE_MISSING'],
    ['a form field after the file', (api) => api.post('/api/v1/agents/agent_kb/knowledge').attach('file', Buffer.from('text'), 'a.txt').field('title', 'late'), 400, 'FIELD_AFTER_FILE'],
    ['a plain-text body', (api) => api.post('/api/v1/agents/agent_kb/knowledge').set('content-type', 'text/plain').send('hello'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an agent that does not exist', (api) => api.post('/api/v1/agents/agent_nobody/knowledge').send({ title: 't', text: 'x' }), 404, 'AGENT_NOT_FOUND'],
    ["another organization's agent", (api) => api.post('/api/v1/agents/agent_kb_other_org/knowledge').send({ title: 't', text: 'x' }), 404, 'AGENT_NOT_FOUND'],
  ])('refuses %s, storing nothing and calling no provider', async (_name, send, status, code) => {
    const [documents, chunks, before] = [await KnowledgeDocument.countDocuments(), await KnowledgeChunk.countDocuments(), await embeddings()];
    const res = await send(harness.api);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await KnowledgeDocument.countDocuments()).toBe(documents);
    expect(await KnowledgeChunk.countDocuments()).toBe(chunks);
    expect((await embeddings()).requests).toBe(before.requests);
  });

  it('refuses a document that would take the agent past its chunk limit (409)', async () => {
    const existing = (await harness.api.get('/api/v1/agents/agent_kb/knowledge')).body.chunks as number;
    const tooMany = Array.from({ length: 13 - existing }, (_, i) => `# Part ${i}\n\nParagraph ${i}.`).join('\n\n');
    const res = await harness.api.post('/api/v1/agents/agent_kb/knowledge').send({ title: 'Too much', text: tooMany });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'KNOWLEDGE_BASE_FULL', details: { chunks: existing, adding: 13 - existing, maxChunks: 12 } });
  });

  it('answers 502 and stores nothing when the embeddings provider refuses', async () => {
    const strict = createOpenAiSimulator({ apiKey: 'right', logger: createLogger('openai-sim', { level: 'silent' }) });
    await strict.start(0);
    try {
      const refusing = harness.makeApp({ config: { OPENAI_BASE_URL: `${strict.baseUrl}/v1`, OPENAI_API_KEY: 'wrong' } });
      const documents = await KnowledgeDocument.countDocuments();
      const res = await harness.authed(refusing).post('/api/v1/agents/agent_kb/knowledge').send({ title: 'Fees', text: 'A fee.' });
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('EMBEDDING_FAILED');
      expect(await KnowledgeDocument.countDocuments()).toBe(documents);
    } finally {
      await strict.stop();
    }
  });
});

describe('GET and DELETE /api/v1/agents/:agentId/knowledge', () => {
  it('lists the agent’s documents newest first with its chunk total, and deletes one with its passages', async () => {
    await Agent.create({ _id: 'agent_kb_list', name: 'Ravi', prompt: 'p', greeting: 'g' });
    const first = (await harness.api.post('/api/v1/agents/agent_kb_list/knowledge').send({ title: 'One', text: 'First fact.' })).body;
    const second = (await harness.api.post('/api/v1/agents/agent_kb_list/knowledge').send({ title: 'Two', text: 'Second fact.\n\n# More\n\nThird fact.' })).body;

    const list = await harness.api.get('/api/v1/agents/agent_kb_list/knowledge');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, limit: 20, total: 2, chunks: 3, maxChunks: 12 });
    expect(list.body.data.map((doc: { id: string }) => doc.id)).toEqual([second.id, first.id]);
    expect((await harness.api.get('/api/v1/agents/agent_kb_list/knowledge?limit=1&page=2')).body.data.map((doc: { id: string }) => doc.id)).toEqual([first.id]);

    const removed = await harness.api.delete(`/api/v1/agents/agent_kb_list/knowledge/${second.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: second.id, deleted: true, chunksDeleted: 2 });
    expect(await KnowledgeChunk.countDocuments({ documentId: second.id })).toBe(0);
    expect(await KnowledgeChunk.countDocuments({ documentId: first.id })).toBe(1);
    expect((await harness.api.get('/api/v1/agents/agent_kb_list/knowledge')).body).toMatchObject({ total: 1, chunks: 1 });

    const again = await harness.api.delete(`/api/v1/agents/agent_kb_list/knowledge/${second.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('KNOWLEDGE_DOCUMENT_NOT_FOUND');
    // A document is deleted only through its own agent.
    const elsewhere = await harness.api.delete(`/api/v1/agents/agent_kb/knowledge/${first.id}`);
    expect(elsewhere.status).toBe(404);
    expect(await KnowledgeDocument.exists({ _id: first.id })).toBeTruthy();
  });

  it("keeps another organization's knowledge out of sight", async () => {
    const otherAdmin = await harness.createKey({ role: 'admin', orgId: 'org_other', name: 'other admin' });
    const added = await harness.authed(harness.app, otherAdmin).post('/api/v1/agents/agent_kb_other_org/knowledge').send({ title: 'Theirs', text: 'Their fact.' });
    expect(added.status).toBe(201);
    const seen = await harness.api.get('/api/v1/agents/agent_kb_other_org/knowledge');
    expect(seen.status).toBe(404);
    expect((await harness.api.delete(`/api/v1/agents/agent_kb_other_org/knowledge/${added.body.id}`)).status).toBe(404);
    expect((await harness.authed(harness.app, otherAdmin).get('/api/v1/agents/agent_kb_other_org/knowledge')).body.total).toBe(1);
  });

  it('lets the roles that manage agents change knowledge, and those that read agents list it', async () => {
    const manager = await harness.createKey({ role: 'agent_manager', name: 'manager' });
    const client = await harness.createKey({ role: 'api_client', name: 'client' });
    const agentKey = await harness.createKey({ role: 'agent', name: 'agent', agentIds: ['agent_kb'] });
    const as = (key: string) => harness.authed(harness.app, key);

    const byManager = await as(manager).post('/api/v1/agents/agent_kb/knowledge').send({ title: 'By manager', text: 'Managed fact.' });
    expect(byManager.status).toBe(201);
    expect((await as(manager).get('/api/v1/agents/agent_kb/knowledge')).status).toBe(200);
    for (const key of [client, agentKey]) {
      const post = await as(key).post('/api/v1/agents/agent_kb/knowledge').send({ title: 't', text: 'x' });
      expect(post.status).toBe(403);
      expect(post.body.error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'agents.write' } });
      expect((await as(key).get('/api/v1/agents/agent_kb/knowledge')).body.error.details).toEqual({ permission: 'agents.read' });
      expect((await as(key).delete(`/api/v1/agents/agent_kb/knowledge/${byManager.body.id}`)).status).toBe(403);
    }
    expect((await as(manager).delete(`/api/v1/agents/agent_kb/knowledge/${byManager.body.id}`)).status).toBe(200);
    const anonymous = await request(harness.app).get('/api/v1/agents/agent_kb/knowledge');
    expect(anonymous.status).toBe(401);
  });
});
