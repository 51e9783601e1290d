import { defaultPayloadConverter } from '@temporalio/common';
import { parsePayloadKeyring, PayloadKeyError } from '../../domain/payload-keyring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, generatePayloadKeysSetting } from '../../lib/payload-codec';

const oldKeys = generatePayloadKeysSetting('k1');
const newKeys = `${oldKeys},${generatePayloadKeysSetting('k2')}`;
const value = { phoneNumber: '+919876543210', name: 'Asha Rao' };

describe('AES-256-GCM payload codec', () => {
  it('seals a payload so that nothing of it shows, and opens it again', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeyring(oldKeys));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    expect(Buffer.from(sealed.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k1');
    const raw = Buffer.from(sealed.data ?? []).toString('latin1');
    for (const clear of ['9876543210', 'Asha', 'json/plain']) expect(raw).not.toContain(clear);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(value);
  });

  it('opens payloads sealed with a retired key after rotation, and seals new ones with the new key', async () => {
    const [sealedOld] = await new AesGcmPayloadCodec(parsePayloadKeyring(oldKeys)).encode([defaultPayloadConverter.toPayload(value)]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeyring(newKeys, 'k2'));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealedOld]))[0])).toEqual(value);
    const [sealedNew] = await rotated.encode([defaultPayloadConverter.toPayload(value)]);
    expect(Buffer.from(sealedNew.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k2');
  });

  it('names an unknown key id, and refuses altered data', async () => {
    const [sealed] = await new AesGcmPayloadCodec(parsePayloadKeyring(generatePayloadKeysSetting('gone'))).encode([defaultPayloadConverter.toPayload(value)]);
    const codec = new AesGcmPayloadCodec(parsePayloadKeyring(oldKeys));
    await expect(codec.decode([sealed])).rejects.toThrow(/key "gone", which is not in PAYLOAD_KEYS/);
    const [mine] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    const data = Buffer.from(mine.data ?? []);
    data[20] ^= 1;
    await expect(codec.decode([{ ...mine, data }])).rejects.toThrow(/failed authentication/);
  });

  it('passes payloads from before encryption through unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload(value);
    expect(await new AesGcmPayloadCodec(parsePayloadKeyring(oldKeys)).decode([plain])).toEqual([plain]);
  });

  it.each([
    ['', /at least one key/],
    ['k1', /id:base64key/],
    ['k1:c2hvcnQ=', /32 bytes/],
    [`${oldKeys},${oldKeys}`, /appears twice/],
  ])('refuses the keyring %p', (setting, message) => {
    expect(() => parsePayloadKeyring(setting)).toThrow(PayloadKeyError);
    expect(() => parsePayloadKeyring(setting)).toThrow(message);
  });

  it('asks which key seals when there are several', () => {
    expect(() => parsePayloadKeyring(newKeys)).toThrow(/PAYLOAD_KEY_ID must name/);
    expect(() => parsePayloadKeyring(newKeys, 'k3')).toThrow(/not among the keys/);
  });
});
