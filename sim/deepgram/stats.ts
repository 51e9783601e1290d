import type { ScriptSource } from './caller-script';

/**
 * Counters behind `GET /sim/stats`. One instance lives as long as the simulator and is shared by
 * every endpoint; `reset` zeroes it in place (live sockets go on).
 */
export class DeepgramStats {
  /** Live STT sockets accepted. */
  listenConnections = 0;
  /** Handshakes refused (auth or parameters), live STT and TTS together. */
  upgradesRefused = 0;
  audioSecondsReceived = 0;
  interimResults = 0;
  finalResults = 0;
  /** Final results with a non-empty transcript. */
  transcriptsSent = 0;
  speechStarted = 0;
  utteranceEnds = 0;
  finalizes = 0;
  keepAlives = 0;
  idleTimeouts = 0;
  scriptSources: Record<ScriptSource, number> = { registered: 0, exotel: 0, generic: 0 };
  ttsRequests = 0;
  ttsRequestsRefused = 0;
  ttsConnections = 0;
  ttsFlushes = 0;
  ttsClears = 0;
  ttsWarnings = 0;
  charactersSynthesized = 0;
  audioSecondsSynthesized = 0;

  /** Counts what the live STT socket sends. */
  recordListenMessage(message: Record<string, unknown>): void {
    if (message.type === 'SpeechStarted') this.speechStarted += 1;
    else if (message.type === 'UtteranceEnd') this.utteranceEnds += 1;
    else if (message.type === 'Results') {
      if (message.is_final !== true) {
        this.interimResults += 1;
        return;
      }
      this.finalResults += 1;
      const channel = message.channel as { alternatives: { transcript: string }[] };
      if (channel.alternatives[0].transcript !== '') this.transcriptsSent += 1;
    }
  }

  reset(): void {
    Object.assign(this, new DeepgramStats());
  }

  /** `open` counts the sockets alive now, which a reset does not end. */
  snapshot(open: { listen: number; speak: number }): Record<string, unknown> {
    return {
      listenConnections: this.listenConnections,
      listenOpen: open.listen,
      upgradesRefused: this.upgradesRefused,
      audioSecondsReceived: Math.round(this.audioSecondsReceived * 1000) / 1000,
      interimResults: this.interimResults,
      finalResults: this.finalResults,
      transcriptsSent: this.transcriptsSent,
      speechStarted: this.speechStarted,
      utteranceEnds: this.utteranceEnds,
      finalizes: this.finalizes,
      keepAlives: this.keepAlives,
      idleTimeouts: this.idleTimeouts,
      scriptSources: { ...this.scriptSources },
      ttsRequests: this.ttsRequests,
      ttsRequestsRefused: this.ttsRequestsRefused,
      ttsConnections: this.ttsConnections,
      ttsOpen: open.speak,
      ttsFlushes: this.ttsFlushes,
      ttsClears: this.ttsClears,
      ttsWarnings: this.ttsWarnings,
      charactersSynthesized: this.charactersSynthesized,
      audioSecondsSynthesized: Math.round(this.audioSecondsSynthesized * 1000) / 1000,
    };
  }
}
