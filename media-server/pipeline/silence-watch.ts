export interface SilenceHandlers {
  /** The caller has said nothing since the bot stopped: ask whether they are there. */
  prompt(): void;
  /** Still nothing after the prompt. */
  hangUp(): void;
}

/**
 * The no-response rule (DESIGN 5): once the bot has finished speaking, `promptAfterMs` of caller
 * silence asks "are you there?"; once that prompt has played, `hangUpAfterMs` more ends the call.
 * Any caller speech cancels it; the next time the bot finishes speaking starts it again.
 */
export class SilenceWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly promptAfterMs: number,
    private readonly hangUpAfterMs: number,
    private readonly handlers: SilenceHandlers,
  ) {}

  /** The bot finished an ordinary utterance. */
  botFinished(): void {
    this.set(this.promptAfterMs, () => this.handlers.prompt());
  }

  /** The no-response prompt finished playing. */
  promptFinished(): void {
    this.set(this.hangUpAfterMs, () => this.handlers.hangUp());
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(ms: number, fire: () => void): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fire();
    }, ms);
  }
}
