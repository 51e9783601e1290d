/**
 * Exotel's rule for bot audio (DESIGN 7.1): chunks of whole 320-byte frames, at least 3200 bytes,
 * at most 100 KB; a short trailing chunk leaves a 20 ms gap. The rule is in bytes, not time: 3200
 * bytes is 200 ms at the default 8 kHz (100 ms at 16 kHz). Every chunk we send is exactly 3200 bytes,
 * the smallest Exotel accepts at any rate: the least audio in flight when `clear` has to drop it, and
 * the finest pacing step. (A 100 ms chunk at 8 kHz, 1600 bytes, would break the minimum.)
 */
export const CHUNK_BYTES = 3200;

export function chunkMs(sampleRate: number): number {
  return (CHUNK_BYTES / 2 / sampleRate) * 1000;
}

/** Cuts a stream of PCM into Exotel chunks; the last one is padded with silence. */
export class PcmChunker {
  private pending: Buffer = Buffer.alloc(0);

  push(pcm: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? pcm : Buffer.concat([this.pending, pcm]);
    const chunks: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= CHUNK_BYTES) {
      chunks.push(this.pending.subarray(offset, offset + CHUNK_BYTES));
      offset += CHUNK_BYTES;
    }
    this.pending = Buffer.from(this.pending.subarray(offset));
    return chunks;
  }

  /** The remainder, zero-padded to a whole chunk; undefined when nothing remains. */
  flush(): Buffer | undefined {
    if (this.pending.length === 0) return undefined;
    const last = Buffer.alloc(CHUNK_BYTES);
    this.pending.copy(last);
    this.pending = Buffer.alloc(0);
    return last;
  }
}
