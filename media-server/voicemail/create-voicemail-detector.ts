import { FRAME_MS, isTonalFrame } from '../../domain/voicemail/frame-tonality';
import {
  greetingLengthMs,
  INITIAL_GREETING_STATE,
  initialSilenceMs,
  isShortGreetingThenSilence,
  trackGreeting,
  turnYieldedAtMs,
  type GreetingState,
} from '../../domain/voicemail/greeting-tracker';
import { findAnnouncementWords, isOperatorAnnouncement } from '../../domain/voicemail/operator-announcement';
import { isReadyToSpeak } from '../../domain/voicemail/ready-to-speak';
import { classifySpeech, INITIAL_SPEECH_ACTIVITY } from '../../domain/voicemail/speech-activity';
import { toneSounding } from '../../domain/voicemail/tone-tracker';
import { endsWithQuestion, findHumanPhrases, findVoicemailKeywords } from '../../domain/voicemail/transcript-keywords';
import type { CarrierAnsweredBy } from '../../domain/voicemail/carrier-answered-by';
import { decideVerdict, DEFAULT_MACHINE_TIMEOUT_MS, machineThreshold, type PolicyVerdict } from '../../domain/voicemail/verdict-policy';
import { scoreVoicemail, VOICEMAIL_THRESHOLD, type VoicemailEvidence, type VoicemailScore } from '../../domain/voicemail/voicemail-score';
import { PcmFramer } from './pcm-framer';
import { ToneListener } from './tone-listener';
import type { VoicemailDecision, VoicemailDetector, VoicemailDetectorOptions, VoicemailVerdict } from './voicemail-detector';

/**
 * Voicemail detection for one call. Caller audio goes, every 20 ms, through the tone analysis (40 ms
 * windows, domain/voicemail/frame-tonality and tone-tracker: beeps, SIT) and the greeting tracker
 * (AMD-style lengths); final transcripts through the keyword lists (voicemail phrases, a person's
 * phrases, operator announcements). The verdict follows domain/voicemail/verdict-policy, weighed each
 * time evidence arrives, so it does not depend on how often `verdict` is asked.
 *
 * `readyToSpeak` follows domain/voicemail/ready-to-speak on audio time: once a beep has been judged
 * (300 ms after it ends), or, when no beep comes, once the greeting has been followed by 800 ms of
 * silence (2.5 s when the greeting promised a beep).
 */
export function createVoicemailDetector(options: VoicemailDetectorOptions): VoicemailDetector {
  return new StreamVoicemailDetector(options);
}

class StreamVoicemailDetector implements VoicemailDetector {
  private readonly framer: PcmFramer;
  private readonly threshold: number;
  private readonly timeoutMs: number;
  private speech = INITIAL_SPEECH_ACTIVITY;
  private readonly listener: ToneListener;
  private greeting: GreetingState = INITIAL_GREETING_STATE;
  private lastSoundEndMs: number | null = null;
  private readonly finalTexts: string[] = [];
  /** The latest interim, for announcements only: it is replaced by the next one and by its final. */
  private interimText = '';
  private askedQuestion = false;
  private answeredBy: CarrierAnsweredBy | null = null;
  private readonly interactionsMs: number[] = [];
  private nowMs = 0;
  private policy: PolicyVerdict = { kind: 'undecided' };
  private latestScore: VoicemailScore = { score: 0, reasons: [] };
  private decidedAtMs: number | null = null;

  constructor(options: VoicemailDetectorOptions) {
    this.framer = new PcmFramer(options.sampleRate);
    this.listener = new ToneListener(options.sampleRate);
    this.threshold = options.threshold ?? VOICEMAIL_THRESHOLD;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_MACHINE_TIMEOUT_MS;
  }

  pushAudio(pcm: Buffer, atMs: number): void {
    for (const frame of this.framer.push(pcm, atMs)) this.hear(frame.startMs, frame.samples);
  }

  pushTranscript(text: string, isFinal: boolean, atMs: number): void {
    if (atMs > this.timeoutMs) return;
    // Voicemail words count once final: an interim "you can leave a message" may still end "… with me".
    // An announcement's condition and framing together are unambiguous, so interims count for them:
    // on a noisy line a final can be long in coming.
    if (!isFinal) {
      this.interimText = text;
      this.weigh(Math.max(this.nowMs, atMs));
      return;
    }
    this.interimText = '';
    this.finalTexts.push(text);
    if (endsWithQuestion(text)) this.askedQuestion = true;
    this.weigh(Math.max(this.nowMs, atMs));
  }

  noteInteraction(atMs: number): void {
    this.interactionsMs.push(atMs);
    this.weigh(Math.max(this.nowMs, atMs));
  }

  noteAnsweredBy(answeredBy: CarrierAnsweredBy): void {
    this.answeredBy = answeredBy;
    this.weigh(this.nowMs);
  }

  verdict(nowMs: number): VoicemailVerdict {
    this.weigh(Math.max(this.nowMs, nowMs));
    const { policy, latestScore } = this;
    switch (policy.kind) {
      case 'undecided':
        return { kind: 'undecided' };
      case 'human':
        return { kind: 'human', provisional: policy.provisional };
      case 'machine':
        return { kind: 'machine', score: latestScore.score, reasons: [...latestScore.reasons], readyToSpeak: this.readyToSpeak() };
      case 'unreachable':
        return { kind: 'unreachable', score: latestScore.score, reasons: [...latestScore.reasons] };
    }
  }

  decision(): VoicemailDecision {
    return { verdict: this.policy.kind, score: this.latestScore.score, reasons: [...this.latestScore.reasons], decidedAtMs: this.decidedAtMs };
  }

  private hear(startMs: number, samples: Float32Array): void {
    const tonality = this.listener.hear(startMs, samples);
    const tonal = isTonalFrame(tonality);
    const { state, isSpeech } = classifySpeech(this.speech, tonality.energyDb);
    this.speech = state;
    // A tone is not talk: counted as speech, a beep would stretch the greeting across itself.
    this.greeting = trackGreeting(this.greeting, startMs, isSpeech && !tonal);
    if (isSpeech || tonal) this.lastSoundEndMs = startMs + FRAME_MS;
    this.weigh(startMs + FRAME_MS);
  }

  private weigh(nowMs: number): void {
    this.nowMs = nowMs;
    if (this.policy.kind === 'machine' || this.policy.kind === 'unreachable') return;
    if (this.policy.kind === 'human' && !this.policy.provisional) return;
    const evidence = this.evidence();
    const score = scoreVoicemail(evidence);
    const announcement = findAnnouncementWords([...this.finalTexts, this.interimText].join(' '));
    const informationTone = this.listener.tones.informationTones[0];
    const inTime = (atMs: number): boolean => atMs <= this.timeoutMs;
    const beep = this.listener.tones.beeps.find((heard) => inTime(heard.endMs));
    const next = decideVerdict(this.policy, {
      nowMs,
      timeoutMs: this.timeoutMs,
      turnTaking: evidence.interactiveReply,
      operatorAnnouncement: (informationTone !== undefined && inTime(informationTone.endMs)) || isOperatorAnnouncement(announcement),
      beepHeard: beep !== undefined,
      score: score.score,
      threshold: this.threshold,
      carrierHint: this.answeredBy,
      behavedLikeAPerson: evidence.shortGreetingThenSilence || (evidence.askedQuestion && this.greeting.greetingEndMs !== null),
      firstSpeechMs: this.greeting.firstSpeechMs,
    });
    if (next.kind === 'unreachable') {
      const reasons = [
        ...(informationTone ? [`special information tone at ${informationTone.startMs} ms`] : []),
        ...(isOperatorAnnouncement(announcement) ? [`operator announcement: ${[...announcement.conditions, ...announcement.framings].join(', ')}`] : []),
      ];
      this.latestScore = { score: 1, reasons };
    } else if (this.answeredBy) {
      const hint = `Exotel AnsweredBy ${this.answeredBy} (machine threshold ${machineThreshold(this.threshold, this.answeredBy).toFixed(2)})`;
      this.latestScore = { score: score.score, reasons: [...score.reasons, hint] };
    } else {
      this.latestScore = score;
    }
    if (next.kind !== this.policy.kind || (next.kind === 'human' && this.policy.kind === 'human' && next.provisional !== this.policy.provisional)) {
      if (next.kind !== 'human' || this.policy.kind !== 'human') this.decidedAtMs = nowMs;
      this.policy = next;
    }
  }

  private evidence(): VoicemailEvidence {
    const greeting = this.greeting;
    const texts = this.finalTexts;
    const keywords = new Map(texts.flatMap((text) => findVoicemailKeywords(text)).map((keyword) => [keyword.phrase, keyword]));
    const yieldedAtMs = turnYieldedAtMs(greeting);
    return {
      beep: this.listener.tones.beeps[0] ?? null,
      strongKeywords: [...keywords.values()].filter((keyword) => keyword.strength === 'strong').map((keyword) => keyword.phrase),
      weakKeywords: [...keywords.values()].filter((keyword) => keyword.strength === 'weak').map((keyword) => keyword.phrase),
      greetingLengthMs: greetingLengthMs(greeting),
      initialSilenceMs: initialSilenceMs(greeting),
      shortGreetingThenSilence: isShortGreetingThenSilence(greeting),
      askedQuestion: this.askedQuestion,
      // Barging into the bot while still in the first stretch of speech is what a machine's greeting
      // does too; only a reply after the caller had fallen silent shows turn-taking.
      interactiveReply: yieldedAtMs !== null && this.interactionsMs.some((atMs) => atMs >= yieldedAtMs),
      humanPhrases: [...new Set(texts.flatMap((text) => findHumanPhrases(text)))],
    };
  }

  private readyToSpeak(): boolean {
    return isReadyToSpeak({
      nowMs: this.greeting.nowMs,
      lastSpeechEndMs: this.greeting.lastSpeechEndMs,
      lastSoundEndMs: this.lastSoundEndMs,
      lastBeepEndMs: this.listener.tones.beeps.at(-1)?.endMs ?? null,
      toneSounding: toneSounding(this.listener.tones),
    });
  }
}
