/**
 * Exotel's error body, `{"RestException": {"Status", "Message", "Code"}}`. Exotel's own `Code` values
 * are not documented in the facts the simulator is built from, so the codes here are the simulator's
 * own: HTTP status × 100 plus a small number naming the cause. Clients should branch on the HTTP
 * status and treat `Code` as a diagnostic.
 */
export const REST_EXCEPTION_CODES = {
  missingParameter: 40001,
  invalidParameter: 40002,
  invalidPhoneNumber: 40003,
  conflictingDestination: 40004,
  unsupportedBody: 40005,
  authenticationFailed: 40100,
  notFound: 40400,
  rateLimited: 42900,
} as const;

export interface RestExceptionBody {
  RestException: { Status: number; Message: string; Code: number };
}

export class RestException extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: number = status * 100,
  ) {
    super(message);
    this.name = 'RestException';
  }

  toBody(): RestExceptionBody {
    return { RestException: { Status: this.status, Message: this.message, Code: this.code } };
  }
}
