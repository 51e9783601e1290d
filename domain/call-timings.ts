/** Timeouts of the call workflow's attempt loop; tests shorten them through the workflow input. */
export interface CallTimings {
  /** Added to Exotel's ring timeout before a silent attempt is reconciled through call details. */
  ringGraceMs: number;
  /** Added to the maximum call duration before a silent live call is reconciled. */
  callGraceMs: number;
  /** After the media server reports the end, how long to wait for Exotel's terminal webhook. */
  terminalAfterMediaMs: number;
  /** After Exotel's terminal webhook, how long to wait for the media server's end-of-call signal. */
  mediaAfterTerminalMs: number;
  /** Between call-details polls while Exotel still reports the call as live. */
  reconcilePollMs: number;
  /** How long past its deadline an attempt is reconciled before it is settled from what was seen. */
  reconcileWindowMs: number;
}

export const DEFAULT_CALL_TIMINGS: CallTimings = {
  ringGraceMs: 60_000,
  callGraceMs: 60_000,
  terminalAfterMediaMs: 30_000,
  mediaAfterTerminalMs: 10_000,
  reconcilePollMs: 30_000,
  reconcileWindowMs: 10 * 60_000,
};
