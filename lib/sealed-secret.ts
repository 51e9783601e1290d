import { defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { parsePayloadKeyring } from '../domain/payload-keyring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from './payload-codec';
import type { PayloadKeyConfig } from './temporal-connection';

/**
 * A secret kept in the database (an organization's webhook signing secret) is sealed by the same codec
 * and keyring as every Temporal payload (PAYLOAD_KEYS): one set of keys to guard and rotate, and a
 * database dump alone reveals no secret. The record keeps the key id, so a rotated keyring still opens it.
 */
export interface SealedSecret {
  keyId: string;
  /** base64 of the codec's sealed bytes. */
  sealed: string;
}

export class SecretSealer {
  private readonly codec: AesGcmPayloadCodec;

  constructor(config: PayloadKeyConfig) {
    this.codec = new AesGcmPayloadCodec(parsePayloadKeyring(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID));
  }

  async seal(secret: string): Promise<SealedSecret> {
    const [payload] = await this.codec.encode([defaultPayloadConverter.toPayload(secret)]);
    return { keyId: Buffer.from(payload.metadata?.[KEY_ID_METADATA_KEY] ?? []).toString('utf8'), sealed: Buffer.from(payload.data ?? []).toString('base64') };
  }

  async open(secret: SealedSecret): Promise<string> {
    const [payload] = await this.codec.decode([
      {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'), [KEY_ID_METADATA_KEY]: Buffer.from(secret.keyId, 'utf8') },
        data: Buffer.from(secret.sealed, 'base64'),
      },
    ]);
    return defaultPayloadConverter.fromPayload<string>(payload);
  }
}
