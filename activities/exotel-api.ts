import axios, { type AxiosInstance, isAxiosError } from 'axios';

/**
 * Exotel's v1 voice API as Ringline uses it: place a call (Calls/connect.json), read a call's details
 * and look a number up (Numbers/<number>.json). Every failure is sorted into what it means for the
 * call, because that decides between "retry later", "never retry" and "we do not know whether the
 * phone is ringing".
 */
export interface ExotelCredentials {
  baseUrl: string;
  accountSid: string;
  apiKey: string;
  apiToken: string;
  timeoutMs: number;
}

export type ExotelFailureKind =
  /** Exotel refused the number: retrying cannot help. */
  | 'invalid_number'
  /** Credentials, account or plan problem: no call can succeed until someone fixes the configuration. */
  | 'configuration_error'
  /** 429: the request was refused, nothing was placed. */
  | 'rate_limited'
  /** The request never reached Exotel (connection refused, DNS, reset before sending). */
  | 'not_sent'
  /** The request may have reached Exotel, but no answer says what happened (timeout, 5xx). */
  | 'unknown_outcome';

export class ExotelApiError extends Error {
  constructor(
    readonly kind: ExotelFailureKind,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ExotelApiError';
  }
}

export interface ExotelCall {
  Sid: string;
  Status: string;
  StartTime?: string | null;
  EndTime?: string | null;
  Duration?: string | number | null;
  RecordingUrl?: string | null;
  AnsweredBy?: string | null;
  Direction?: string;
  DateCreated?: string;
}

/** The part of Exotel's number-metadata resource Ringline reads. */
export interface ExotelNumberMetadata {
  DND: 'Yes' | 'No';
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function classify(err: unknown): ExotelApiError {
  if (!isAxiosError(err)) return new ExotelApiError('unknown_outcome', err instanceof Error ? err.message : String(err));
  const status = err.response?.status;
  const body = err.response?.data as { RestException?: { Message?: string } } | undefined;
  const detail = body?.RestException?.Message ?? err.message;
  if (status === undefined) {
    return new ExotelApiError(err.code && NOT_SENT_CODES.has(err.code) ? 'not_sent' : 'unknown_outcome', detail);
  }
  if (status === 429) return new ExotelApiError('rate_limited', detail, status);
  if (status === 400 || status === 422) return new ExotelApiError('invalid_number', detail, status);
  if (status === 401 || status === 402 || status === 403 || status === 404) {
    return new ExotelApiError('configuration_error', `Exotel answered ${status}: ${detail}`, status);
  }
  return new ExotelApiError('unknown_outcome', `Exotel answered ${status}: ${detail}`, status);
}

export class ExotelApi {
  private readonly http: AxiosInstance;

  constructor(credentials: ExotelCredentials) {
    this.http = axios.create({
      baseURL: `${credentials.baseUrl.replace(/\/$/, '')}/v1/Accounts/${encodeURIComponent(credentials.accountSid)}`,
      auth: { username: credentials.apiKey, password: credentials.apiToken },
      timeout: credentials.timeoutMs,
    });
  }

  /** Places a call; 200 means accepted, not connected. Parameters go form-encoded, as Exotel expects. */
  async connect(params: Record<string, string>): Promise<ExotelCall> {
    try {
      const response = await this.http.post<{ Call: ExotelCall }>('/Calls/connect.json', new URLSearchParams(params), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (!response.data?.Call?.Sid) throw new ExotelApiError('unknown_outcome', 'Exotel accepted the call but sent no Sid');
      return response.data.Call;
    } catch (err) {
      throw err instanceof ExotelApiError ? err : classify(err);
    }
  }

  async callDetails(callSid: string): Promise<ExotelCall> {
    try {
      const response = await this.http.get<{ Call: ExotelCall }>(`/Calls/${encodeURIComponent(callSid)}.json`);
      return response.data.Call;
    } catch (err) {
      throw classify(err);
    }
  }

  /**
   * Looks a number up. A 404 is read as "no such number", an invalid number like a 400, where the
   * Calls endpoints read 404 as a configuration error. Exotel's bodies do not tell an unknown number
   * from an unknown account SID apart, so a wrong SID also lands here as an invalid number.
   */
  async numberMetadata(e164: string): Promise<ExotelNumberMetadata> {
    try {
      const response = await this.http.get<{ Numbers?: { DND?: unknown } }>(`/Numbers/${encodeURIComponent(e164)}.json`);
      const dnd = response.data?.Numbers?.DND;
      if (dnd !== 'Yes' && dnd !== 'No') throw new ExotelApiError('unknown_outcome', 'Exotel answered the number lookup without a DND flag');
      return { DND: dnd };
    } catch (err) {
      if (err instanceof ExotelApiError) throw err;
      const failure = classify(err);
      throw failure.httpStatus === 404 ? new ExotelApiError('invalid_number', failure.message, 404) : failure;
    }
  }
}
