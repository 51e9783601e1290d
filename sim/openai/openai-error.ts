import type { Response } from 'express';

/**
 * OpenAI's error answer, `{"error": {message, type, param, code}}`, which the `openai` SDK turns
 * into `APIError` subclasses by status (401 → AuthenticationError, 400 → BadRequestError, …).
 */
export interface OpenAiErrorDetails {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function sendOpenAiError(res: Response, status: number, error: OpenAiErrorDetails): void {
  res.status(status).json({ error });
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAiErrorDetails {
  return { message, type: 'invalid_request_error', param, code };
}
