/** Exotel's CallSid is 32 hex digits; this is the shape Ringline accepts from outside, wider on purpose. */
export const CALL_SID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
