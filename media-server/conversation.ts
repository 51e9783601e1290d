import { performance } from 'node:perf_hooks';
import type { MediaOutcome } from '../domain/call-outcome';
import type { TurnLatency } from '../domain/call-workflow-types';
import { isBackchannel } from '../domain/conversation/backchannel';
import { isBargeIn, type BargeInThresholds } from '../domain/conversation/barge-in-rule';
import { farewellFor, mediaOutcomeFor, type EndReason } from '../domain/conversation/call-ending';
import { ConversationHistory } from '../domain/conversation/conversation-history';
import { dtmfMessage } from '../domain/conversation/dtmf';
import { END_CALL_TOOL } from '../domain/conversation/end-call-tool';
import { matchesEndPhrase } from '../domain/conversation/end-phrase';
import { PAUSE_AFTER_WORDS_MS } from '../domain/conversation/caller-turn';
import { countWords, normalizeSpeech } from '../domain/conversation/spoken-text';
import { buildSystemPrompt, callDataMessage } from '../domain/conversation/system-prompt';
import type { ChatMessage } from '../domain/conversation/chat-message';
import type { Logger } from '../lib/logger';
import type { AgentProfile, PhraseKind } from './agent-profile';
import type { CallVoice } from './call-speech';
import type { GreetingCache } from './greeting-cache';
import { replyRequest, type CallKnowledge, type KnowledgeLookup } from './knowledge-lookup';
import type { MediaMetrics } from './metrics';
import { PhrasePlayer, type SaidPhrase } from './phrase-player';
import { BotReply } from './pipeline/bot-reply';
import { CallerVoice } from './pipeline/caller-voice';
import { InboundAudioClock } from './pipeline/inbound-audio-clock';
import type { LanguageModel } from './pipeline/llm';
import type { PacedAudioOut } from './pipeline/paced-audio-out';
import { SilenceWatch } from './pipeline/silence-watch';
import { Speaker, type Utterance, type UtteranceResult } from './pipeline/speaker';
import type { SpeechToText, SttEvent, SttStream } from './pipeline/stt';
import type { SpeechSynthesizer } from './pipeline/tts';
import { TurnDetector, type CompletedTurn, type SpeechProgress, type TurnTimings } from './pipeline/turns';
import type { TranscriptLog } from './transcript-log';
import { VoicemailWatch, type MachineVerdict, type UnreachableVerdict } from './voicemail-watch';
import type { CarrierAnsweredBy } from '../domain/voicemail/carrier-answered-by';
import type { VoicemailDetectionRecord } from '../domain/voicemail/detection-record';
import type { VoicemailDetector } from './voicemail/voicemail-detector';

export interface ConversationDeps {
  agent: AgentProfile;
  metadata: Record<string, unknown>;
  /** Exotel's call sid: the speech-to-text request tag. */
  callSid: string;
  sampleRate: number;
  logger: Logger;
  stt: SpeechToText;
  llm: LanguageModel;
  synthesizer: SpeechSynthesizer;
  /** The bot's voice on this call (media-server/call-speech.ts), under which its phrases are cached. */
  callVoice: CallVoice;
  cache: GreetingCache;
  out: PacedAudioOut;
  transcript: TranscriptLog;
  /** The agent's knowledge base, looked up for caller turns that need it; absent: the agent answers from its prompt only. */
  knowledge?: CallKnowledge;
  /** Absent when the agent has voicemail detection off. */
  voicemailDetector: VoicemailDetector | undefined;
  bargeIn: BargeInThresholds;
  turnTimings: TurnTimings;
  metrics: MediaMetrics;
  /** The conversation is over: close the socket and report. Called once. */
  onFinished: (end: { reason: EndReason; outcome: MediaOutcome }) => void;
  now?: () => number;
}

/** A caller turn the bot is about to answer. Untimed turns (key presses, words held while the bot spoke) give no latency from speech. */
interface HeardTurn {
  text: string;
  startedAt: number;
  endedAt: number;
  speechEndAt?: number;
  finalAt?: number;
  /** Monotonic time Ringline took the turn as over: where its own time on the reply starts. */
  decidedAt?: number;
}

type UtteranceRole = { kind: 'phrase'; phrase: PhraseKind } | { kind: 'reply'; reply: BotReply };

/** Speculative replies need this many stable words: a one-word guess ("I…") is rarely the turn. */
const SPECULATE_MIN_WORDS = 2;
/** Unless our own ears heard the caller stop after it: then one word ("Hello?", "Yes.") is usually the turn. */
const PAUSED_SPECULATE_MIN_WORDS = 1;
/**
 * An interim whose words end this close to where our own ears heard the voice stop covers the whole
 * utterance (word timings and an energy detector disagree by a syllable's tail).
 */
const WORDS_COVER_VOICE_MS = 100;
/** Each speculative request costs tokens; a turn that keeps changing gets no more than this many. */
const MAX_SPECULATIONS_PER_TURN = 3;
/** Speech recognition is tried this often at the start of a call, and reopened this often if it drops. */
const STT_OPEN_ATTEMPTS = 2;
const STT_REOPENS = 1;
const STT_RETRY_DELAY_MS = 300;
/** Caller audio kept while recognition is (re)connecting; older audio is dropped. */
const STT_BUFFER_MAX_MS = 10_000;
/** A machine that never gives the go-ahead (no beep heard) still gets the message after this long. */
const VOICEMAIL_MAX_WAIT_MS = 15_000;
/**
 * The message starts after a short silence (domain/voicemail/ready-to-speak); when the machine's side
 * sounds again (its greeting went on, or a late beep), it stops and starts over, for this long after
 * its first start at most: a line whose noise never stops still gets the message.
 */
const VOICEMAIL_RESTART_WINDOW_MS = 15_000;
/** If a farewell's last mark never comes back, the socket closes anyway after its likely length plus this. */
const FAREWELL_GRACE_MS = 3_000;
/** Generous speaking time per character (about 12 characters a second), for that bound. */
const FAREWELL_MS_PER_CHARACTER = 80;

/**
 * One call's conversation, from the greeting to the last mark of the farewell. The floor belongs to
 * one side at a time: the bot speaks (an utterance, done only when its marks return), or is about to
 * (a reply being generated), or the caller has it. Caller speech over the bot interrupts it when it
 * is a barge-in (DESIGN 5); otherwise it waits to be answered after the bot. Silence, the agent's
 * maximum duration, end phrases, the model's `end_call`, a control request, a voicemail verdict or
 * the caller hanging up end the call; every ending but a hang-up says something first.
 */
export class Conversation {
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly history: ConversationHistory;
  private readonly speaker: Speaker;
  private readonly phrases: PhrasePlayer;
  private readonly clock: InboundAudioClock;
  private readonly voice: CallerVoice;
  private readonly turns: TurnDetector;
  private readonly silence: SilenceWatch;
  private readonly voicemail: VoicemailWatch | undefined;
  private voicemailMessage: { left: boolean; durationMs: number } | undefined;
  private readonly roles = new Map<string, UtteranceRole>();
  private readonly replyTurns = new WeakMap<BotReply, HeardTurn>();
  /** The knowledge lookup a reply was made with, recorded on the bot's turn. */
  private readonly replyKnowledge = new WeakMap<BotReply, KnowledgeLookup>();
  /** Caller turns recorded so far: the first one is never looked up (domain/knowledge/retrieval-decision). */
  private callerTurns = 0;
  /** Aborted when the conversation finishes: synthesis still running for it stops. */
  private readonly lifetime = new AbortController();
  private stt: SttStream | undefined;
  private sttGeneration = 0;
  private sttReopens = 0;
  /** Where the current speech-to-text stream's time zero lies in the caller's audio. */
  private sttBaseMs = 0;
  private sttBuffer: Buffer[] = [];
  private sttBufferStartMs = 0;
  private sttBufferMs = 0;
  private reply: BotReply | undefined;
  private speculation: { reply: BotReply; revision: number } | undefined;
  private speculations = 0;
  /** The caller's words so far, not yet a fair guess at the turn: one once the caller is heard to pause after them. */
  private unsettled: SpeechProgress | undefined;
  /** Caller turns heard while the bot kept talking, answered when it stops. */
  private deferred: HeardTurn[] = [];
  private callerSpoke = false;
  /** When the bot last stopped talking; a caller who starts after that is answering it. */
  private botQuietSince = Number.POSITIVE_INFINITY;
  /** The bot's latest utterance was a reply to the caller that played to its end. */
  private botLastAnswered = false;
  private ending: EndReason | undefined;
  private awaitingBeep = false;
  /** The voicemail message playing, and the timer that closes the call should its last mark never return. */
  private message: { firstStartAt: number; restarts: number; closeTimer: NodeJS.Timeout | undefined } | undefined;
  /** The greeting's cache result and when it was asked for, recorded once it has played. */
  private greeting: { said: SaidPhrase; askedAt: number } | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private finished = false;

  constructor(private readonly deps: ConversationDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.logger;
    const { agent } = deps;
    const callData = callDataMessage(deps.metadata);
    this.history = new ConversationHistory(buildSystemPrompt(agent.prompt, agent.name, callData !== null), callData);
    this.speaker = new Speaker(deps.out, (utterance, result) => this.utteranceFinished(utterance, result), this.now);
    this.phrases = new PhrasePlayer({
      cache: deps.cache,
      synthesizer: deps.synthesizer,
      signal: this.lifetime.signal,
      logger: deps.logger,
      agent,
      metadata: deps.metadata,
      sampleRate: deps.sampleRate,
      voice: deps.callVoice,
    });
    this.clock = new InboundAudioClock(deps.sampleRate);
    this.voice = new CallerVoice(deps.sampleRate);
    this.turns = new TurnDetector(
      { onSpeech: (progress) => this.callerSpeaking(progress), onTurn: (turn) => this.callerTurn(turn) },
      () => this.stt?.finalize(),
      deps.turnTimings,
      this.now,
    );
    this.silence = new SilenceWatch(agent.noResponseTimeoutSec * 1000, agent.noResponseHangupSec * 1000, {
      prompt: () => this.promptSilentCaller(),
      hangUp: () => this.end('silence'),
    });
    this.voicemail =
      deps.voicemailDetector &&
      new VoicemailWatch(deps.voicemailDetector, { machine: (verdict) => this.machineAnswered(verdict), unreachable: (verdict) => this.unreachableAnswered(verdict) });
  }

  /** Greets at once (the first audio leaves before this returns when the greeting is cached), then listens. */
  start(): void {
    const askedAt = this.now();
    const said = this.phrases.say('greeting', () => this.startUtterance({ kind: 'phrase', phrase: 'greeting' }));
    if (said) this.greeting = { said, askedAt };
    else this.botStoppedTalking(askedAt);
    this.after(this.deps.agent.maxCallDurationSec * 1000, () => this.end('max_duration'));
    void this.openStt();
  }

  /** Caller audio from Exotel. */
  audio(pcm: Buffer): void {
    if (this.finished) return;
    const atMs = this.clock.offsetMs;
    this.clock.push(pcm.length, this.now());
    this.feedStt(pcm, atMs);
    this.voice.push(pcm, atMs);
    this.speculateOnPause();
    this.voicemail?.audio(pcm, atMs, this.clock.offsetMs);
    if (this.awaitingBeep && this.voicemail?.readyToSpeak()) this.leaveVoicemail();
    else if (this.message && this.voicemail?.readyToSpeak() === false) this.restartVoicemail();
  }

  markReturned(name: string): void {
    this.speaker.markReturned(name);
  }

  /** A key press: deliberate, so it interrupts the bot, and the model reads it as "[DTMF 5]". */
  dtmf(digit: string): void {
    if (this.ending || this.finished) return;
    this.silence.cancel();
    if (this.speaker.speaking || this.reply) this.bargeIn();
    const at = this.now();
    this.voicemail?.interaction(this.clock.offsetMs);
    this.answer({ text: dtmfMessage(digit), startedAt: at, endedAt: at });
  }

  callerHungUp(): void {
    this.end('caller_hung_up');
  }

  socketLost(): void {
    this.end('socket_lost');
  }

  /** The workflow asked for the call to end. */
  hangUp(mode: 'goodbye' | 'immediate'): void {
    this.end(mode === 'goodbye' ? 'control_goodbye' : 'control_immediate');
  }

  shutdown(): void {
    this.end('shutdown');
  }

  get summary(): { turns: number; latency: TurnLatency[] } {
    return { turns: this.deps.transcript.turns, latency: this.deps.transcript.latency };
  }

  /** Whether voicemail detection is on and its verdict can still change (a carrier hint would count). */
  get awaitsCarrierHint(): boolean {
    return this.voicemail?.open === true;
  }

  /** Exotel's AnsweredBy for the call (media-server/carrier-hint-poll): a hint for voicemail detection. */
  carrierAnsweredBy(hint: CarrierAnsweredBy): void {
    this.voicemail?.carrierHint(hint, this.clock.offsetMs);
  }

  /** What voicemail detection decided, and whether the message was left; undefined with detection off. */
  get voicemailRecord(): VoicemailDetectionRecord | undefined {
    if (!this.voicemail) return undefined;
    const decision = this.voicemail.decision();
    const message = this.voicemailMessage ?? { left: false, durationMs: 0 };
    return { ...decision, messageLeft: message.left, messageDurationMs: message.durationMs, messageAttempted: this.voicemailMessage !== undefined };
  }

  // --- the caller ---

  private callerSpeaking(progress: SpeechProgress): void {
    if (this.ending || this.finished) return;
    this.silence.cancel();
    if (this.speaker.speaking || this.reply) {
      if (isBargeIn(progress, this.deps.bargeIn)) this.bargeIn();
      return;
    }
    this.unsettled = progress.stable ? undefined : progress;
    this.speculate(progress);
    this.speculateOnPause();
  }

  /**
   * The recognizer reports a pause only after its own hangover; an interim that already covers the
   * voice our side has heard stop `PAUSE_AFTER_WORDS_MS` ago is as fair a guess, and a sooner one.
   */
  private speculateOnPause(): void {
    const progress = this.unsettled;
    const voiceEndMs = this.voice.voiceEndMs;
    if (!progress || this.ending || this.speaker.speaking || this.reply) return;
    if (voiceEndMs === undefined || this.voice.quietMs < PAUSE_AFTER_WORDS_MS) return;
    if (progress.wordsEndMs < voiceEndMs - WORDS_COVER_VOICE_MS) return;
    this.unsettled = undefined;
    this.speculate({ ...progress, stable: true }, PAUSED_SPECULATE_MIN_WORDS);
  }

  private callerTurn(turn: CompletedTurn): void {
    const decidedAt = performance.now();
    this.unsettled = undefined;
    if (this.ending || this.finished) return;
    const text = turn.text.trim();
    if (text === '') return;
    const speechEndAt = this.clock.wallTimeAt(turn.speechEndMs) ?? turn.finalAt;
    const heard: HeardTurn = {
      text,
      startedAt: this.clock.wallTimeAt(turn.speechStartMs) ?? speechEndAt,
      endedAt: speechEndAt,
      speechEndAt,
      finalAt: turn.finalAt,
      decidedAt,
    };
    if (this.speaker.speaking) {
      // A short turn can arrive final without interim results: the barge-in rule still applies to it.
      if (isBargeIn({ text, speechMs: turn.speechEndMs - turn.speechStartMs }, this.deps.bargeIn)) {
        this.bargeIn();
      } else {
        // An acknowledgement is let go; anything else waits until the bot has finished.
        if (!isBackchannel(text)) this.deferred.push({ text, startedAt: heard.startedAt, endedAt: heard.endedAt });
        return;
      }
    }
    // Turn-taking: the caller spoke after the bot's reply had played to its end. A machine's greeting
    // goes on over the bot's replies or through their pauses, but does not wait for one to finish.
    if (heard.startedAt > this.botQuietSince && this.botLastAnswered) this.voicemail?.interaction(turn.speechStartMs);
    this.answer(heard);
  }

  /** Caller speech over the bot: stop talking, keep only what was heard, let the caller finish. */
  private bargeIn(): void {
    this.deps.metrics.bargeIn();
    const reply = this.reply;
    this.reply = undefined;
    reply?.abort();
    const heard = this.speaker.interrupt();
    this.log.info({ spoken: heard?.spokenText.length ?? 0 }, 'caller barged in');
    // Talking over the bot is not turn-taking for voicemail detection: a machine's greeting does it too.
  }

  /** Starts a held reply on a stable guess at the caller's turn, kept if the final turn says the same. */
  private speculate(progress: SpeechProgress, minWords = SPECULATE_MIN_WORDS): void {
    const guess = normalizeSpeech(progress.text);
    const current = this.speculation;
    if (current && normalizeSpeech(current.reply.answers) === guess) return;
    if (current) {
      current.reply.abort();
      this.speculation = undefined;
    }
    if (!progress.stable || countWords(guess) < minWords || this.speculations >= MAX_SPECULATIONS_PER_TURN) return;
    this.speculations += 1;
    this.speculation = { reply: this.newReply(this.history.messages(progress.text), progress.text, true, this.callerTurns + 1), revision: this.history.revision };
  }

  /** The speculative reply, if it answers exactly `text` on the current history; any other is aborted. */
  private takeSpeculation(text: string, usable: boolean): BotReply | undefined {
    const speculation = this.speculation;
    this.speculation = undefined;
    this.speculations = 0;
    if (!speculation) return undefined;
    const sameTurn = normalizeSpeech(speculation.reply.answers) === normalizeSpeech(text);
    if (usable && sameTurn && speculation.revision === this.history.revision && !speculation.reply.aborted) return speculation.reply;
    speculation.reply.abort();
    return undefined;
  }

  /** Answers the caller's turn (and any turns held while the bot spoke before it). */
  private answer(turn: HeardTurn): void {
    const decidedAt = turn.decidedAt ?? performance.now();
    this.callerSpoke = true;
    this.silence.cancel();
    const stale = this.reply;
    this.reply = undefined;
    stale?.abort();
    const held = this.deferred;
    this.deferred = [];
    // A speculative request knew only this turn's words, not turns held back before it.
    const speculative = this.takeSpeculation(turn.text, held.length === 0);
    for (const earlier of held) this.recordCallerTurn(earlier);
    this.recordCallerTurn(turn);
    if (matchesEndPhrase(turn.text, this.deps.agent.endPhrases)) {
      speculative?.abort();
      this.end('end_phrase');
      return;
    }
    const reply = speculative ?? this.newReply(this.history.messages(), turn.text, false, this.callerTurns);
    this.replyTurns.set(reply, turn);
    this.reply = reply;
    reply.timeline.mark('decided', decidedAt);
    reply.release();
    void reply.finished.then(({ spoke }) => {
      if (!spoke) this.replySaidNothing(reply);
    });
  }

  private recordCallerTurn(turn: HeardTurn): void {
    this.deps.transcript.add({ speaker: 'caller', text: turn.text, startedAt: new Date(turn.startedAt), endedAt: new Date(turn.endedAt), interrupted: false });
    this.history.addCaller(turn.text);
    this.callerTurns += 1;
  }

  // --- the bot ---

  /** A reply to `answers`, the caller's `callerTurn`-th turn, with knowledge passages when the turn needs them (knowledge-lookup.ts). */
  private newReply(messages: ChatMessage[], answers: string, held: boolean, callerTurn: number): BotReply {
    const { request, lookup } = replyRequest({ model: this.deps.agent.llmModel, messages, tools: [END_CALL_TOOL] }, answers, callerTurn, this.deps.knowledge);
    const reply = new BotReply(
      {
        llm: this.deps.llm,
        synthesizer: this.deps.synthesizer,
        startUtterance: (reply) => this.startUtterance({ kind: 'reply', reply }),
        logger: this.log,
        now: this.now,
      },
      request,
      answers,
      held,
    );
    void lookup?.then((found) => {
      if (found) this.replyKnowledge.set(reply, found);
    });
    return reply;
  }

  private startUtterance(role: UtteranceRole): Utterance {
    const utterance = this.speaker.start();
    this.roles.set(utterance.id, role);
    return utterance;
  }

  /** The phrase's text, or undefined when the agent has none (nothing is said). */
  private sayPhrase(phrase: PhraseKind): string | undefined {
    return this.phrases.say(phrase, () => this.startUtterance({ kind: 'phrase', phrase }))?.text;
  }

  /** Every utterance ends here, played to its last mark or interrupted, synchronously. */
  private utteranceFinished(utterance: Utterance, result: UtteranceResult): void {
    const role = this.roles.get(utterance.id);
    this.roles.delete(utterance.id);
    if (!role) return;
    this.recordBotTurn(result, role);
    this.botStoppedTalking(result.endedAt);
    this.botLastAnswered = role.kind === 'reply' && !result.interrupted && result.spokenText !== '';
    if (role.kind === 'phrase' && (role.phrase === 'goodbye' || role.phrase === 'voicemail')) {
      if (!result.interrupted) this.finish();
      return;
    }
    if (this.ending || this.finished || result.interrupted) return;
    if (role.kind === 'reply') {
      if (role.reply !== this.reply) return;
      this.reply = undefined;
      if (role.reply.endCall) {
        this.end('end_call_tool');
        return;
      }
    }
    if (this.answerDeferred()) return;
    if (role.kind === 'phrase' && role.phrase === 'no_response') this.silence.promptFinished();
    else this.silence.botFinished();
  }

  /** A reply that ended without a word (only `end_call`, or the model failed). */
  private replySaidNothing(reply: BotReply): void {
    if (reply !== this.reply) return;
    this.reply = undefined;
    if (reply.failed) this.deps.metrics.providerError('llm');
    if (this.ending || this.finished) return;
    if (reply.endCall) {
      this.end('end_call_tool');
      return;
    }
    if (!this.answerDeferred()) this.silence.botFinished();
  }

  private answerDeferred(): boolean {
    const last = this.deferred.pop();
    if (!last) return false;
    this.answer(last);
    return true;
  }

  private botStoppedTalking(at: number): void {
    this.botQuietSince = at;
  }

  private recordBotTurn(result: UtteranceResult, role: UtteranceRole): void {
    const { transcript } = this.deps;
    const text = result.spokenText;
    const lookup = role.kind === 'reply' ? this.replyKnowledge.get(role.reply) : undefined;
    const turn = text
      ? transcript.add({
          speaker: 'bot',
          text,
          startedAt: new Date(result.firstChunkAt ?? result.endedAt),
          endedAt: new Date(result.endedAt),
          interrupted: result.interrupted,
          ...(lookup && { knowledge: { chunkIds: lookup.chunkIds, retrievalMs: lookup.retrievalMs } }),
          ...(result.speech && { tts: result.speech }),
        })
      : undefined;
    if (text) this.history.addBot(text);
    if (role.kind === 'phrase' && role.phrase === 'greeting') this.recordGreeting(result);
    if (role.kind === 'phrase' && role.phrase === 'voicemail') {
      // Left means played to its last mark: a machine that hung up half-way has only part of it.
      const playedMs = result.firstChunkAt === undefined ? 0 : result.endedAt - result.firstChunkAt;
      this.voicemailMessage = { left: !result.interrupted && playedMs > 0, durationMs: playedMs };
    }
    if (role.kind !== 'reply') return;
    if (role.reply.failed) this.deps.metrics.providerError('llm');
    const heard = this.replyTurns.get(role.reply);
    const figures = withoutUndefined({
      sttFinalMs: heard?.finalAt !== undefined && heard.speechEndAt !== undefined ? Math.max(0, heard.finalAt - heard.speechEndAt) : undefined,
      llmFirstTokenMs: role.reply.llmFirstTokenMs,
      ttsFirstByteMs: role.reply.ttsFirstByteMs,
      voiceToVoiceMs: result.firstChunkAt !== undefined && heard?.speechEndAt !== undefined ? result.firstChunkAt - heard.speechEndAt : undefined,
      ringlineMs: role.reply.ringlineMs,
    });
    this.deps.metrics.turnLatency({ turn: turn ?? 0, ...figures });
    if (turn !== undefined) transcript.addLatency({ turn, ...figures });
  }

  private recordGreeting(result: UtteranceResult): void {
    if (!this.greeting) return;
    const { said, askedAt } = this.greeting;
    this.greeting = undefined;
    this.deps.transcript.recordGreeting({
      cacheHit: said.cacheHit,
      prewarmed: said.prewarmed,
      ...(result.firstChunkAt !== undefined && { firstFrameMs: Math.max(0, result.firstChunkAt - askedAt) }),
    });
  }

  private promptSilentCaller(): void {
    if (this.ending || this.finished) return;
    if (!this.sayPhrase('no_response')) this.silence.promptFinished();
  }

  // --- voicemail ---

  private machineAnswered(verdict: MachineVerdict): void {
    if (this.ending || this.finished) return;
    this.log.info({ score: verdict.score, reasons: verdict.reasons }, 'voicemail detected');
    this.end('voicemail');
  }

  private unreachableAnswered(verdict: UnreachableVerdict): void {
    if (this.ending || this.finished) return;
    this.log.info({ reasons: verdict.reasons }, 'operator announcement: callee unreachable');
    this.speaker.interrupt();
    this.end('unreachable');
  }

  private leaveVoicemail(): void {
    if (!this.awaitingBeep || this.finished) return;
    this.awaitingBeep = false;
    const closeTimer = this.sayFarewell('voicemail');
    this.message = { firstStartAt: this.message?.firstStartAt ?? this.now(), restarts: this.message?.restarts ?? 0, closeTimer };
  }

  /** The machine is not recording yet: stop the message and give it again once it is. */
  private restartVoicemail(): void {
    const message = this.message;
    if (!message?.closeTimer || this.now() - message.firstStartAt > VOICEMAIL_RESTART_WINDOW_MS || this.finished) return;
    this.log.info({ restarts: message.restarts + 1 }, 'machine still talking or beeping: voicemail message starts over');
    this.message = { ...message, restarts: message.restarts + 1, closeTimer: undefined };
    if (message.closeTimer) this.cancel(message.closeTimer);
    this.awaitingBeep = true;
    this.speaker.interrupt();
    this.after(VOICEMAIL_MAX_WAIT_MS, () => this.leaveVoicemail());
  }

  // --- the end ---

  /** Decides how the call ends; the first reason wins. A hang-up while a farewell plays just closes sooner. */
  private end(reason: EndReason): void {
    if (this.finished) return;
    if (this.ending) {
      if (farewellFor(reason) === 'none') this.finish();
      return;
    }
    this.ending = reason;
    this.log.info({ reason }, 'conversation ending');
    this.silence.cancel();
    this.clearTimers();
    this.turns.close();
    this.reply?.abort();
    this.reply = undefined;
    this.speculation?.reply.abort();
    this.speculation = undefined;
    switch (farewellFor(reason)) {
      case 'none':
        this.finish();
        return;
      case 'goodbye':
        this.sayFarewell('goodbye');
        return;
      case 'voicemail_message':
        this.speaker.interrupt();
        this.awaitingBeep = true;
        this.after(VOICEMAIL_MAX_WAIT_MS, () => this.leaveVoicemail());
        if (this.voicemail?.readyToSpeak()) this.leaveVoicemail();
        return;
    }
  }

  /** Says the farewell; returns the timer that closes the call should its last mark never return. */
  private sayFarewell(phrase: 'goodbye' | 'voicemail'): NodeJS.Timeout | undefined {
    const spoken = this.sayPhrase(phrase);
    if (!spoken) {
      this.speaker.interrupt();
      this.finish();
      return undefined;
    }
    return this.after(FAREWELL_GRACE_MS + spoken.length * FAREWELL_MS_PER_CHARACTER, () => {
      this.log.warn({ phrase }, 'farewell not confirmed by Exotel; closing anyway');
      this.finish();
    });
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const reason = this.ending ?? 'socket_lost';
    this.clearTimers();
    this.silence.cancel();
    this.turns.close();
    this.speculation?.reply.abort();
    this.reply?.abort();
    this.lifetime.abort();
    this.sttGeneration += 1;
    this.stt?.close();
    this.stt = undefined;
    // Whatever was still playing is recorded as heard up to its last returned mark.
    this.speaker.stop();
    const outcome = mediaOutcomeFor(reason, { callerSpoke: this.callerSpoke, machineDetected: this.voicemail?.machine ?? false });
    this.deps.onFinished({ reason, outcome });
  }

  // --- speech recognition ---

  private async openStt(): Promise<void> {
    const generation = ++this.sttGeneration;
    for (let attempt = 1; attempt <= STT_OPEN_ATTEMPTS; attempt += 1) {
      try {
        const stream = await this.deps.stt.open(
          { sampleRate: this.deps.sampleRate, callSid: this.deps.callSid, logger: this.log },
          {
            onEvent: (event) => this.sttEvent(generation, event),
            onFailure: (err) => this.sttFailed(generation, err),
          },
        );
        if (generation !== this.sttGeneration || this.finished) {
          stream.close();
          return;
        }
        this.stt = stream;
        this.sttBaseMs = this.sttBuffer.length > 0 ? this.sttBufferStartMs : this.clock.offsetMs;
        for (const pcm of this.sttBuffer) stream.sendAudio(pcm);
        this.sttBuffer = [];
        this.sttBufferMs = 0;
        return;
      } catch (err) {
        this.deps.metrics.providerError('stt');
        this.log.warn({ err, attempt }, 'could not open speech recognition');
        if (generation !== this.sttGeneration || this.finished) return;
        if (attempt < STT_OPEN_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, STT_RETRY_DELAY_MS));
      }
    }
    if (generation === this.sttGeneration) this.end('provider_failure');
  }

  private sttFailed(generation: number, err: Error): void {
    if (generation !== this.sttGeneration || this.finished) return;
    this.deps.metrics.providerError('stt');
    this.stt = undefined;
    if (this.sttReopens >= STT_REOPENS) {
      this.log.error({ err: err.message }, 'speech recognition lost; ending the call');
      this.end('provider_failure');
      return;
    }
    this.sttReopens += 1;
    void this.openStt();
  }

  private feedStt(pcm: Buffer, atMs: number): void {
    if (this.stt) {
      this.stt.sendAudio(pcm);
      return;
    }
    if (this.sttBuffer.length === 0) this.sttBufferStartMs = atMs;
    this.sttBuffer.push(pcm);
    this.sttBufferMs += (pcm.length / 2 / this.deps.sampleRate) * 1000;
    while (this.sttBufferMs > STT_BUFFER_MAX_MS && this.sttBuffer.length > 1) {
      const dropped = this.sttBuffer.shift() as Buffer;
      const droppedMs = (dropped.length / 2 / this.deps.sampleRate) * 1000;
      this.sttBufferMs -= droppedMs;
      this.sttBufferStartMs += droppedMs;
    }
  }

  private sttEvent(generation: number, event: SttEvent): void {
    if (generation !== this.sttGeneration || this.finished) return;
    if (event.kind === 'utterance_end') {
      if (!this.ending) this.turns.handle(event);
      return;
    }
    const base = this.sttBaseMs;
    const shifted: SttEvent = {
      ...event,
      startMs: event.startMs + base,
      endMs: event.endMs + base,
      words: event.words.map((word) => ({ startMs: word.startMs + base, endMs: word.endMs + base })),
    };
    if (shifted.text.trim() !== '') this.voicemail?.transcript(shifted.text, shifted.isFinal, shifted.endMs);
    // While the call ends (a farewell playing, a machine's beep awaited) nobody's turns are taken any more.
    if (!this.ending) this.turns.handle(shifted);
  }

  // --- timers ---

  private after(ms: number, fire: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fire();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function withoutUndefined(figures: Omit<TurnLatency, 'turn'>): Omit<TurnLatency, 'turn'> {
  return Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== undefined));
}
