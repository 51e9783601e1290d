import { z } from 'zod';
import { isExotelTerminalStatus } from '../call-outcome';
import type { ExotelStatusEvent } from '../call-workflow-types';
import { CALL_SID_SHAPE } from '../call-sid';
import { carrierAnsweredByOfLegs } from '../voicemail/carrier-answered-by';

/**
 * What Exotel sends Ringline. Form bodies carry every value as text and send an empty value for null,
 * JSON bodies send numbers and nulls, so both are folded into one shape here.
 */

const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined || String(value).trim() === '' ? undefined : String(value).trim()));

/** The signature part of each attempt's StatusCallback URL, valid until `exp`; its attempt part is domain/attempt-address.ts's. */
export const statusCallbackSignatureSchema = z.looseObject({
  exp: z.coerce.number().int().positive(),
  sig: z.string().min(1).max(256),
});

export type StatusCallbackFields = Omit<ExotelStatusEvent, 'attempt' | 'receivedAt'>;

/** Exotel adds fields over time (`Legs[0][Status]`, `PhoneNumberSid`, …): unknown ones are ignored, not refused. */
export const statusCallbackBodySchema = z
  .looseObject({
    CallSid: z.string().trim().min(1).max(128),
    Status: z.string().trim().min(1).max(64).transform((status) => status.toLowerCase()),
    EventType: optionalText,
    CustomField: optionalText,
    StartTime: optionalText,
    EndTime: optionalText,
    ConversationDuration: optionalText,
    RecordingUrl: optionalText,
  })
  .transform((body): StatusCallbackFields => {
    const fields: StatusCallbackFields = {
      callSid: body.CallSid,
      status: body.Status,
      eventType: eventTypeOf(body.EventType, body.Status),
    };
    const duration = body.ConversationDuration === undefined ? NaN : Number(body.ConversationDuration);
    if (body.CustomField !== undefined) fields.customField = body.CustomField;
    if (body.StartTime !== undefined) fields.startTime = body.StartTime;
    if (body.EndTime !== undefined) fields.endTime = body.EndTime;
    if (Number.isFinite(duration) && duration >= 0) fields.conversationDurationSec = duration;
    if (body.RecordingUrl !== undefined) fields.recordingUrl = body.RecordingUrl;
    const answeredBy = carrierAnsweredByOfLegs(legAnswers(body));
    if (answeredBy !== undefined) fields.answeredBy = answeredBy;
    return fields;
  });

const FLAT_LEG_ANSWER = /^Legs\[(\d+)\]\[AnsweredBy\]$/;

/**
 * Each leg's `AnsweredBy`, in leg order: JSON bodies carry `Legs` as an array, form bodies flatten it
 * to `Legs[0][AnsweredBy]`. A malformed `Legs` yields nothing rather than refusing the callback.
 */
function legAnswers(body: Record<string, unknown>): (string | undefined)[] {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  if (Array.isArray(body.Legs)) {
    return body.Legs.map((leg: unknown) => (leg !== null && typeof leg === 'object' ? text((leg as Record<string, unknown>).AnsweredBy) : undefined));
  }
  return Object.keys(body)
    .flatMap((name) => {
      const index = FLAT_LEG_ANSWER.exec(name)?.[1];
      return index === undefined ? [] : [[Number(index), text(body[name])] as const];
    })
    .sort(([a], [b]) => a - b)
    .map(([, value]) => value);
}

/** Callbacks without event subscriptions carry no EventType: the status says which event it was. */
function eventTypeOf(eventType: string | undefined, status: string): ExotelStatusEvent['eventType'] {
  const given = eventType?.toLowerCase();
  if (given === 'answered' || given === 'terminal') return given;
  if (isExotelTerminalStatus(status)) return 'terminal';
  if (status === 'in-progress') return 'answered';
  return 'unknown';
}

/**
 * Flow mode: the Voicebot applet's dynamic URL is called with the call's data as query parameters.
 * Only these are read; Exotel sends more, which are ignored.
 */
export const voicebotUrlQuerySchema = z.looseObject({
  CustomField: z.string().trim().min(1).max(128),
  /** Required: the media URL is bound to this Exotel call, which must be the attempt's own. */
  CallSid: z.string().trim().regex(CALL_SID_SHAPE, 'must be an Exotel CallSid'),
});

/** 200 once the workflow has the event, or with `ignored` when the call is over (so that Exotel stops retrying). */
export const statusCallbackAnswerSchema = z.object({ received: z.literal(true), ignored: z.literal('call_finished').optional() });

/** A media-stream URL bound to the attempt's CallSid, good for one socket, once. */
export const voicebotUrlAnswerSchema = z.object({ url: z.string() });
