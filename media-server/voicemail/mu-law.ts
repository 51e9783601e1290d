/**
 * G.711 μ-law to 16-bit linear PCM. Telephone trunks carry μ-law; the labelled evaluation clips are
 * stored that way (test/fixtures/voicemail-eval) and played to the detector as the linear PCM an
 * Exotel stream delivers.
 */
export function decodeMuLaw(encoded: Buffer): Buffer {
  const pcm = Buffer.alloc(encoded.length * 2);
  for (let i = 0; i < encoded.length; i += 1) pcm.writeInt16LE(muLawToLinear(encoded[i]), i * 2);
  return pcm;
}

function muLawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const magnitude = ((((value & 0x0f) << 3) + 0x84) << ((value >> 4) & 0x07)) - 0x84;
  return value & 0x80 ? -magnitude : magnitude;
}
