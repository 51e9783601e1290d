/**
 * Counters behind `GET /sim/stats`. One instance lives as long as the simulator; `reset` zeroes it in
 * place (streams in flight go on).
 */
export class ElevenLabsStats {
  /** `GET /v1/user` answered: the SDK's usual key check. */
  keyChecks = 0;
  voiceLists = 0;
  /** Requests refused for their key (401). */
  authRefused = 0;
  ttsRequests = 0;
  /** Synthesis requests refused, by the `detail.status` (or `validation`) of the answer. */
  ttsRefused: Record<string, number> = {};
  /** Most synthesis requests in flight at once. */
  peakConcurrent = 0;
  charactersSynthesized = 0;
  audioSecondsSynthesized = 0;

  refused(reason: string): void {
    this.ttsRefused[reason] = (this.ttsRefused[reason] ?? 0) + 1;
  }

  reset(): void {
    Object.assign(this, new ElevenLabsStats());
  }

  snapshot(inFlight: number): Record<string, unknown> {
    return {
      keyChecks: this.keyChecks,
      voiceLists: this.voiceLists,
      authRefused: this.authRefused,
      ttsRequests: this.ttsRequests,
      ttsRefused: { ...this.ttsRefused },
      ttsInFlight: inFlight,
      peakConcurrent: this.peakConcurrent,
      charactersSynthesized: this.charactersSynthesized,
      audioSecondsSynthesized: Math.round(this.audioSecondsSynthesized * 1000) / 1000,
    };
  }
}
