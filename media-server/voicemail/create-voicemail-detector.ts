import { FRAME_MS, isTonalFrame, measureFrameTonality } from '../../domain/voicemail/frame-tonality';
import {
  greetingLengthMs,
  INITIAL_GREETING_STATE,
  initialSilenceMs,
  isShortGreetingThenSilence,
  trackGreeting,
  turnYieldedAtMs,
  type GreetingState,
} from '../../domain/voicemail/greeting-tracker';
import { isReadyToSpeak } from '../../domain/voicemail/ready-to-speak';
import { classifySpeech, INITIAL_SPEECH_ACTIVITY } from '../../domain/voicemail/speech-activity';
import { beepInProgress, INITIAL_TONE_STATE, toneSounding, trackTone, type Beep } from '../../domain/voicemail/tone-tracker';
import { endsWithQuestion, findVoicemailKeywords } from '../../domain/voicemail/transcript-keywords';
import { scoreVoicemail, VOICEMAIL_THRESHOLD, type VoicemailEvidence, type VoicemailScore } from '../../domain/voicemail/voicemail-score';
import { PcmFramer, type PcmFrame } from './pcm-framer';
import type { VoicemailDetector, VoicemailDetectorOptions, VoicemailVerdict } from './voicemail-detector';

/** Asterisk AMD's `totalAnalysisTime`. */
const DEFAULT_DECIDE_WITHIN_MS = 5000;

/**
 * Voicemail detection for one call: the caller's audio goes through the beep detector (Goertzel bank,
 * domain/voicemail/frame-tonality) and the greeting tracker (AMD-style lengths), transcripts through
 * the keyword list, and the three meet in one score (domain/voicemail/voicemail-score).
 *
 * The verdict, final once given (as Asterisk AMD's), and weighed each time evidence arrives, so it does
 * not depend on how often `verdict` is asked:
 * - `machine` as soon as the score, over evidence from the first `decideWithinMs`, reaches the threshold;
 * - `human` as soon as the caller behaved like a person while the score stayed below it: a short
 *   greeting then silence, a question then silence, or an answer to the bot after yielding the turn;
 * - asked at or after `decideWithinMs` with nothing decided, `human`: the window is closed then, and
 *   evidence from inside it that arrives later (a transcript of its last words) changes nothing.
 *
 * `readyToSpeak` follows the rules in domain/voicemail/ready-to-speak, on audio time: after the beep
 * ends, or, when no beep comes, once the greeting has been followed by 800 ms of silence (2.5 s when
 * the greeting promised a beep). Audio after `decideWithinMs` still counts for it, since beeps often
 * come after long greetings.
 */
export function createVoicemailDetector(options: VoicemailDetectorOptions): VoicemailDetector {
  return new StreamVoicemailDetector(options);
}

class StreamVoicemailDetector implements VoicemailDetector {
  private readonly framer: PcmFramer;
  private readonly threshold: number;
  private readonly decideWithinMs: number;
  private speech = INITIAL_SPEECH_ACTIVITY;
  private tone = INITIAL_TONE_STATE;
  private greeting: GreetingState = INITIAL_GREETING_STATE;
  /** The greeting as it stood at the end of the decision window; later audio only serves readiness. */
  private greetingInWindow: GreetingState = INITIAL_GREETING_STATE;
  private beepInWindow: Beep | null = null;
  private lastSoundEndMs: number | null = null;
  private readonly finalTexts: string[] = [];
  private interimText = '';
  private askedQuestion = false;
  private beepAnnounced = false;
  private readonly interactionsMs: number[] = [];
  private decided: ({ kind: 'machine' } & VoicemailScore) | { kind: 'human' } | null = null;

  constructor(private readonly options: VoicemailDetectorOptions) {
    this.framer = new PcmFramer(options.sampleRate);
    this.threshold = options.threshold ?? VOICEMAIL_THRESHOLD;
    this.decideWithinMs = options.decideWithinMs ?? DEFAULT_DECIDE_WITHIN_MS;
  }

  pushAudio(pcm: Buffer, atMs: number): void {
    for (const frame of this.framer.push(pcm, atMs)) this.hear(frame);
  }

  pushTranscript(text: string, isFinal: boolean, atMs: number): void {
    // Readiness listens for the promise of a beep at any time: it can come late in a long greeting.
    if (findVoicemailKeywords(text).some((keyword) => keyword.announcesBeep)) this.beepAnnounced = true;
    if (atMs > this.decideWithinMs) return;
    if (isFinal) {
      this.finalTexts.push(text);
      this.interimText = '';
      if (endsWithQuestion(text)) this.askedQuestion = true;
    } else {
      // An interim transcript is replaced by the next one, and by the final one of the same speech.
      this.interimText = text;
    }
    this.weigh();
  }

  noteInteraction(atMs: number): void {
    if (atMs > this.decideWithinMs) return;
    this.interactionsMs.push(atMs);
    this.weigh();
  }

  verdict(nowMs: number): VoicemailVerdict {
    if (!this.decided && nowMs >= this.decideWithinMs) this.decided = { kind: 'human' };
    const { decided } = this;
    if (decided?.kind === 'machine') return { kind: 'machine', score: decided.score, reasons: [...decided.reasons], readyToSpeak: this.readyToSpeak() };
    return decided ? { kind: 'human' } : { kind: 'undecided' };
  }

  private hear({ startMs, samples }: PcmFrame): void {
    const tonality = measureFrameTonality(samples, this.options.sampleRate);
    const tonal = isTonalFrame(tonality);
    this.tone = trackTone(this.tone, startMs, tonality);
    const { state, isSpeech } = classifySpeech(this.speech, tonality.energyDb);
    this.speech = state;
    // A tone is not talk: counted as speech, a beep would stretch the greeting across itself.
    this.greeting = trackGreeting(this.greeting, startMs, isSpeech && !tonal);
    if (isSpeech || tonal) this.lastSoundEndMs = startMs + FRAME_MS;
    if (startMs + FRAME_MS <= this.decideWithinMs) {
      this.greetingInWindow = this.greeting;
      this.beepInWindow ??= beepInProgress(this.tone) ?? this.tone.beeps[0] ?? null;
      this.weigh();
    }
  }

  /** Decides the moment the evidence allows; `machine` first, should both be true at once. */
  private weigh(): void {
    if (this.decided) return;
    const evidence = this.evidence();
    const score = scoreVoicemail(evidence);
    if (score.score >= this.threshold) {
      this.decided = { kind: 'machine', ...score };
      return;
    }
    const behavedLikeAPerson =
      evidence.interactiveReply || evidence.shortGreetingThenSilence || (evidence.askedQuestion && this.greetingInWindow.greetingEndMs !== null);
    if (behavedLikeAPerson) this.decided = { kind: 'human' };
  }

  private evidence(): VoicemailEvidence {
    const greeting = this.greetingInWindow;
    const keywords = new Map([...this.finalTexts, this.interimText].flatMap((text) => findVoicemailKeywords(text)).map((keyword) => [keyword.phrase, keyword]));
    const yieldedAtMs = turnYieldedAtMs(greeting);
    return {
      beep: this.beepInWindow,
      strongKeywords: [...keywords.values()].filter((keyword) => keyword.strength === 'strong').map((keyword) => keyword.phrase),
      weakKeywords: [...keywords.values()].filter((keyword) => keyword.strength === 'weak').map((keyword) => keyword.phrase),
      greetingLengthMs: greetingLengthMs(greeting),
      initialSilenceMs: initialSilenceMs(greeting),
      shortGreetingThenSilence: isShortGreetingThenSilence(greeting),
      askedQuestion: this.askedQuestion,
      // Barging into the bot while still in the first stretch of speech is what a machine's greeting
      // does too; only a reply after the caller had fallen silent shows turn-taking.
      interactiveReply: yieldedAtMs !== null && this.interactionsMs.some((atMs) => atMs >= yieldedAtMs),
    };
  }

  private readyToSpeak(): boolean {
    return isReadyToSpeak({
      nowMs: this.greeting.nowMs,
      lastSpeechEndMs: this.greeting.lastSpeechEndMs,
      lastSoundEndMs: this.lastSoundEndMs,
      lastBeepEndMs: this.tone.beeps.at(-1)?.endMs ?? null,
      toneSounding: toneSounding(this.tone),
      beepAnnounced: this.beepAnnounced,
    });
  }
}
