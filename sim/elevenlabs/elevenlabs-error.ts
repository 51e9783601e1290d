import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/**
 * ElevenLabs' error answer: `{"detail": {type, code, message, status, request_id, param}}`. `code`
 * is the current field and `status` the legacy one clients still read (the concurrency answer's
 * `too_many_concurrent_requests`, `invalid_api_key`); the SDK hands the parsed body over as
 * `ElevenLabsError.body` and reads the request id from the `x-request-id` header.
 */
export interface ElevenLabsErrorDetail {
  type: string;
  code: string;
  status: string;
  message: string;
  param?: string | null;
}

export function requestId(): string {
  return randomBytes(16).toString('hex');
}

export function sendElevenLabsError(res: Response, httpStatus: number, detail: ElevenLabsErrorDetail, headers: Record<string, string> = {}): void {
  const id = requestId();
  res
    .status(httpStatus)
    .set({ 'x-request-id': id, ...headers })
    .json({ detail: { type: detail.type, code: detail.code, message: detail.message, status: detail.status, request_id: id, param: detail.param ?? null } });
}

/** A body or query the API's validation layer (FastAPI) rejects: 422 with a list of problems. */
export function sendValidationError(res: Response, loc: (string | number)[], msg: string, type: string, input?: unknown): void {
  res
    .status(422)
    .set('x-request-id', requestId())
    .json({ detail: [{ type, loc, msg, input: input ?? null }] });
}

export const ERRORS = {
  missingKey: {
    type: 'authentication_error',
    code: 'needs_authorization',
    status: 'needs_authorization',
    message: 'Neither authorization header nor xi-api-key received, please provide one.',
  },
  invalidKey: { type: 'authentication_error', code: 'invalid_api_key', status: 'invalid_api_key', message: 'Invalid API key' },
  voiceNotFound: (voiceId: string): ElevenLabsErrorDetail => ({
    type: 'not_found_error',
    code: 'voice_not_found',
    status: 'voice_not_found',
    message: `A voice with the voice_id ${voiceId} was not found.`,
    param: 'voice_id',
  }),
  tooManyConcurrent: (limit: number): ElevenLabsErrorDetail => ({
    type: 'rate_limit_error',
    code: 'concurrent_limit_exceeded',
    status: 'too_many_concurrent_requests',
    message: `Too many concurrent requests. Your current subscription is associated with a maximum of ${limit} concurrent requests (running in parallel). Please upgrade your subscription or contact sales if you want to increase this limit.`,
  }),
  systemBusy: {
    type: 'rate_limit_error',
    code: 'system_busy',
    status: 'system_busy',
    message: 'Our services are experiencing high levels of traffic and your request could not be processed. Please retry.',
  },
  quotaExceeded: {
    type: 'quota_error',
    code: 'quota_exceeded',
    status: 'quota_exceeded',
    message: 'This request exceeds your quota. You have 0 credits remaining.',
  },
  serverError: { type: 'internal_server_error', code: 'internal_server_error', status: 'internal_server_error', message: 'An internal error occurred.' },
  textTooLong: (characters: number, limit: number): ElevenLabsErrorDetail => ({
    type: 'validation_error',
    code: 'max_character_limit_exceeded',
    status: 'max_character_limit_exceeded',
    message: `This request's text has ${characters} characters and exceeds the character limit of ${limit} characters.`,
    param: 'text',
  }),
  unsupportedFormat: (format: string): ElevenLabsErrorDetail => ({
    type: 'validation_error',
    code: 'invalid_output_format',
    status: 'invalid_output_format',
    message: `The simulator synthesizes pcm_* and ulaw_8000 only, not ${format}.`,
    param: 'output_format',
  }),
  notFound: { type: 'not_found_error', code: 'not_found', status: 'not_found', message: 'Not Found' },
} satisfies Record<string, ElevenLabsErrorDetail | ((...args: never[]) => ElevenLabsErrorDetail)>;
