import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { PayloadKeyError, PAYLOAD_KEY_BYTES, type PayloadKeyring } from '../domain/payload-keyring';

/**
 * Encryption of every Temporal payload (workflow and activity inputs and results, signals, queries,
 * updates, memo values, failure messages) with AES-256-GCM before it leaves the process: the Temporal
 * server, its database and anyone reading the Web UI without the key see only ciphertext. Each payload
 * names the key that sealed it, so a keyring of several keys keeps old histories readable after the
 * encryption key changes (see docs/security.md, "Temporal payload encryption").
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh keyring setting with one key, for a local stack's first start and for tests. */
export function generatePayloadKeysSetting(id = `local-${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(PAYLOAD_KEY_BYTES).toString('base64')}`;
}

/**
 * The whole payload (its metadata, so its encoding too, and its data) is serialized and sealed; the
 * outer payload carries only the encoding marker and the key id, both needed to open it. The key id is
 * also the GCM additional data, so a payload relabelled with another key's id fails to open.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.encryptionKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId, 'utf8'));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
          [KEY_ID_METADATA_KEY]: Buffer.from(keyId, 'utf8'),
        },
        data: sealed,
      };
    });
  }

  /** Payloads not sealed by this codec (histories from before encryption) pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return payload;
      const rawKeyId = payload.metadata?.[KEY_ID_METADATA_KEY];
      if (!rawKeyId) throw new PayloadKeyError('encrypted payload names no key id');
      const keyId = Buffer.from(rawKeyId).toString('utf8');
      const key = this.keyring.keys.get(keyId);
      if (!key) throw new PayloadKeyError(`payload was encrypted with key "${keyId}", which is not in PAYLOAD_KEYS`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadKeyError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadKeyError(`encrypted payload failed authentication with key "${keyId}" (altered, or a different key under that id)`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
