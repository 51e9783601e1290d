/**
 * The keyring that seals Temporal payloads (lib/payload-codec.ts), read from its two settings. Parsed
 * here, without I/O, so configuration checking refuses a bad keyring at start-up.
 */

export const PAYLOAD_KEY_BYTES = 32;

export class PayloadKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeyError';
  }
}

export interface PayloadKeyring {
  /** The key new payloads are sealed with. */
  encryptionKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * `PAYLOAD_KEYS` (`id:base64key` entries, comma-separated; each key 32 random bytes) and `PAYLOAD_KEY_ID`
 * (which one seals new payloads; may be left out when there is a single key).
 */
export function parsePayloadKeyring(keysSetting: string, encryptionKeyId?: string): PayloadKeyring {
  const keys = new Map<string, Buffer>();
  for (const entry of keysSetting.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    if (separator < 1 || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
      throw new PayloadKeyError('each entry must be `id:base64key`, the id made of letters, digits, `_`, `.` or `-`');
    }
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== PAYLOAD_KEY_BYTES) throw new PayloadKeyError(`key "${id}" must be ${PAYLOAD_KEY_BYTES} bytes, base64-encoded (\`openssl rand -base64 32\`)`);
    if (keys.has(id)) throw new PayloadKeyError(`key id "${id}" appears twice`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new PayloadKeyError('must name at least one key');
  const chosen = encryptionKeyId ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (chosen === undefined) throw new PayloadKeyError('PAYLOAD_KEY_ID must name the key to encrypt with when there are several');
  if (!keys.has(chosen)) throw new PayloadKeyError(`PAYLOAD_KEY_ID "${chosen}" is not among the keys`);
  return { encryptionKeyId: chosen, keys };
}

