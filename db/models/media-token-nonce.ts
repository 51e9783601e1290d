import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Nonces of media tokens already used, so that each media URL opens one WebSocket, once, on whichever
 * media server instance it reaches: `_id` is the nonce, so a second claim fails on the unique key.
 * Rows are kept until the token would have expired anyway; no TTL index (FerretDB refuses the
 * option), so the media server deletes expired rows itself now and then (media-server/token-nonces.ts).
 */
const mediaTokenNonceSchema = new Schema(
  {
    _id: { type: String, required: true },
    callId: { type: String, required: true },
    attempt: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'media_token_nonces', versionKey: false },
);
mediaTokenNonceSchema.index({ expiresAt: 1 });

export type MediaTokenNonceRecord = InferSchemaType<typeof mediaTokenNonceSchema>;
export const MediaTokenNonce = model('MediaTokenNonce', mediaTokenNonceSchema);
