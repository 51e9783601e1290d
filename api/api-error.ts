/**
 * An error the API answers with its own status and machine-readable code, as
 * `{ error: { code, message, details } }`. Anything else that escapes a handler is a 500.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
