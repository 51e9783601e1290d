/**
 * A streamed HTTP answer's bytes as Buffers, as they arrive. A consumer that stops early (barge-in)
 * cancels the body, which frees the connection instead of draining it, and with ElevenLabs also its
 * concurrency place.
 */
export async function* streamedBody(body: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = body.getReader();
  let complete = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    complete = true;
  } finally {
    if (!complete) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
