import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { parsePayloadKeyring } from '../../domain/payload-keyring';
import { createCodecServer, payloadsToJson } from '../../lib/codec-server';
import { createLogger } from '../../lib/logger';
import { AesGcmPayloadCodec, generatePayloadKeysSetting } from '../../lib/payload-codec';

const token = 'codec-token-0123456789abcdef0123456789abcdef';
const uiOrigin = 'http://127.0.0.1:8233';
const codec = new AesGcmPayloadCodec(parsePayloadKeyring(generatePayloadKeysSetting('k1')));
const app = createCodecServer({ codec, token, allowedOrigins: [uiOrigin, 'http://localhost:8233'], logger: createLogger('codec-server-test', { level: 'silent' }) });
const value = { phoneNumber: '+919876543210', agentId: 'agent-7' };
const clearJson = payloadsToJson([defaultPayloadConverter.toPayload(value)]);

const post = (path: string, body: unknown, auth = `Bearer ${token}`) =>
  request(app).post(path).set('Authorization', auth).set('X-Namespace', 'default').send(body as object);

describe('codec server', () => {
  it('encodes into ciphertext and decodes back to exactly the input', async () => {
    const encoded = await post('/encode', clearJson).expect(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString('latin1')).not.toContain('9876543210');
    const decoded = await post('/decode', encoded.body).expect(200);
    expect(decoded.body).toEqual(clearJson);
  });

  it('decodes a payload the workers sealed into the clear JSON, also under a path prefix', async () => {
    const sealed = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const decoded = await post('/codec/default/decode', payloadsToJson(sealed)).expect(200);
    const [payload] = decoded.body.payloads;
    expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'))).toEqual(value);
  });

  it('answers a preflight from the Web UI origin and grants no other origin', async () => {
    const preflight = await request(app)
      .options('/decode')
      .set('Origin', uiOrigin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type, X-Namespace, Authorization');

    const foreign = await request(app).options('/decode').set('Origin', 'http://evil.example').set('Access-Control-Request-Method', 'POST').expect(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const foreignPost = await post('/decode', clearJson).set('Origin', 'http://evil.example').expect(200);
    expect(foreignPost.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a request without the token or with a wrong one, before reading the body', async () => {
    const missing = await request(app).post('/decode').send(clearJson).expect(401);
    expect(missing.body.error.code).toBe('UNAUTHENTICATED');
    const wrong = await post('/decode', clearJson, `Bearer ${token.slice(0, -1)}x`).expect(401);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    await post('/decode', clearJson, token).expect(401);
    await request(app).post('/codec/decode').send(clearJson).expect(401);
  });

  it("takes the token as the endpoint's first path segment, the one place the Web UI can carry it", async () => {
    const sealed = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const decoded = await request(app).post(`/${token}/decode`).set('Origin', uiOrigin).send(payloadsToJson(sealed)).expect(200);
    expect(decoded.body).toEqual(clearJson);
    expect(decoded.headers['access-control-allow-origin']).toBe(uiOrigin);
    await request(app).post(`/${token.slice(0, -1)}x/decode`).send(payloadsToJson(sealed)).expect(401);
    await request(app).post('/%E0%A4%A/decode').send(payloadsToJson(sealed)).expect(401);
  });

  it('refuses a malformed body with INVALID_PAYLOADS', async () => {
    for (const body of [{}, { payloads: 'x' }, { payloads: [null] }, { payloads: [{ data: 42 }] }, { payloads: [{ metadata: { encoding: '***' } }] }]) {
      const res = await post('/decode', body).expect(400);
      expect(res.body.error.code).toBe('INVALID_PAYLOADS');
    }
    const notJson = await request(app).post('/decode').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{"payloads":').expect(400);
    expect(notJson.body.error.code).toBe('INVALID_PAYLOADS');
  });

  it('names a payload sealed with a key it does not hold', async () => {
    const foreignCodec = new AesGcmPayloadCodec(parsePayloadKeyring(generatePayloadKeysSetting('retired')));
    const sealed = await foreignCodec.encode([defaultPayloadConverter.toPayload(value)]);
    const res = await post('/decode', payloadsToJson(sealed)).expect(400);
    expect(res.body.error.code).toBe('PAYLOAD_KEY_UNAVAILABLE');
    expect(res.body.error.message).toContain('retired');
  });
});
