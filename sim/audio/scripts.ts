/**
 * What simulated callees say and do, step by step. Each spoken step names its clip in sim/audio/clips/
 * (made from its text by sim/audio/make-clips.sh). The Exotel simulator plays a call's script on the
 * media leg (sim/exotel/scripted-callee.ts) and lists its spoken lines as `script` in
 * `GET /sim/calls/:sid`, which the Deepgram simulator turns into transcripts.
 */

/**
 * When a step starts. Steps never overlap: a cue is looked at once the previous step has ended, and
 * what it waits for (bot audio, a pause) counts from that end, or from the answer for the first step.
 */
export type Cue =
  /** A fixed time after the answer (the stream's start): a machine's greeting, or someone who talks as they pick up. */
  | { after: 'answer'; delayMs: number }
  /**
   * Turn-taking: once the bot has said something and its audio has finished playing on the callee's
   * loudspeaker, plus a think pause. With `unpromptedAfterMs`, a callee who hears nothing at all for
   * that long speaks anyway (a person who picked up and hears silence says "Hello?").
   */
  | { after: 'bot-turn'; pauseMs: number; unpromptedAfterMs?: number }
  /**
   * Barge-in: once `playedMs` of bot audio has played, while the bot is still talking. If the bot
   * stops sooner, the step waits for the end of its audio plus `pauseMs`, like `bot-turn`.
   */
  | { after: 'bot-audio'; playedMs: number; pauseMs: number }
  /** Right after the previous step, plus a pause: a beep after a greeting, the next key press. */
  | { after: 'previous'; pauseMs: number };

export type CalleeStep =
  | { kind: 'say'; text: string; clip: string; cue: Cue }
  /** A sound that is not speech (the voicemail beep): played, but not part of the transcript. */
  | { kind: 'sound'; description: string; clip: string; cue: Cue }
  /** A key press; Exotel reports it as a `dtmf` event when the key is released. */
  | { kind: 'dtmf'; digit: string; durationMs: number; cue: Cue }
  /** The callee hangs up: Exotel sends `stop` (reason `callended`) and closes the stream. */
  | { kind: 'hang-up'; cue: Cue };

export const CALLEE_SCRIPT_NAMES = [
  'cooperative',
  'interrupter',
  'silent',
  'voicemail',
  'voicemail-no-beep',
  'hang-up-mid-sentence',
  'dtmf',
  'announcement-switched-off',
  'announcement-hindi-unreachable',
] as const;

export type CalleeScriptName = (typeof CALLEE_SCRIPT_NAMES)[number];

/** Think pauses are 300–700 ms, as people take between turns on the phone. */
export const CALLEE_SCRIPTS: Readonly<Record<CalleeScriptName, readonly CalleeStep[]>> = {
  /** Answers the greeting, confirms who they are, asks a question, says goodbye. */
  cooperative: [
    { kind: 'say', text: 'Hello?', clip: 'cooperative-hello', cue: { after: 'bot-turn', pauseMs: 500, unpromptedAfterMs: 2000 } },
    { kind: 'say', text: 'Yes, this is Rahul.', clip: 'cooperative-rahul', cue: { after: 'bot-turn', pauseMs: 400 } },
    { kind: 'say', text: 'When is my payment due?', clip: 'cooperative-question', cue: { after: 'bot-turn', pauseMs: 600 } },
    { kind: 'say', text: 'Okay, thank you. Bye.', clip: 'cooperative-bye', cue: { after: 'bot-turn', pauseMs: 500 } },
  ],
  /** Talks over the bot about 800 ms into each of its turns. */
  interrupter: [
    { kind: 'say', text: 'Hello? Yes, who is this?', clip: 'interrupter-who', cue: { after: 'bot-audio', playedMs: 800, pauseMs: 400 } },
    { kind: 'say', text: "Sorry, I'm busy right now. What is this about?", clip: 'interrupter-busy', cue: { after: 'bot-audio', playedMs: 800, pauseMs: 400 } },
    { kind: 'say', text: 'Okay, fine. Call me tomorrow. Bye.', clip: 'interrupter-bye', cue: { after: 'bot-audio', playedMs: 800, pauseMs: 400 } },
  ],
  silent: [],
  /** A machine: greeting as soon as it picks up, a 1000 Hz beep, then it records (silence). */
  voicemail: [
    {
      kind: 'say',
      text: "Hi, you've reached Priya. I'm not available right now. Please leave a message after the beep.",
      clip: 'voicemail-priya',
      cue: { after: 'answer', delayMs: 600 },
    },
    { kind: 'sound', description: '1000 Hz beep, 500 ms', clip: 'beep-1000hz-500ms', cue: { after: 'previous', pauseMs: 450 } },
  ],
  /** A machine that records right after its greeting, without a beep. */
  'voicemail-no-beep': [
    {
      kind: 'say',
      text: "Hi, this is Karan. I can't take your call right now. Please leave a message and I'll call you back.",
      clip: 'voicemail-karan',
      cue: { after: 'answer', delayMs: 500 },
    },
  ],
  /**
   * The network answers instead of the callee: the special information tone (913.8, 1370.6, 1776.7 Hz;
   * 274, 274, 380 ms), then an English announcement, repeated as networks do until the caller hangs up.
   */
  'announcement-switched-off': [
    { kind: 'sound', description: 'special information tone', clip: 'sit-tone', cue: { after: 'answer', delayMs: 300 } },
    { kind: 'say', text: 'The number you have dialled is switched off. Please try again later.', clip: 'announcement-switched-off', cue: { after: 'previous', pauseMs: 200 } },
    { kind: 'say', text: 'The number you have dialled is switched off. Please try again later.', clip: 'announcement-switched-off', cue: { after: 'previous', pauseMs: 1000 } },
  ],
  /** A Hindi announcement without the tone ("the number you are calling is out of reach"): only its words tell. */
  'announcement-hindi-unreachable': [
    {
      kind: 'say',
      text: 'आप जिस नंबर पर कॉल कर रहे हैं, वह अभी पहुंच से बाहर है। कृपया थोड़ी देर बाद प्रयास करें।',
      clip: 'announcement-hindi-unreachable',
      cue: { after: 'answer', delayMs: 400 },
    },
    {
      kind: 'say',
      text: 'आप जिस नंबर पर कॉल कर रहे हैं, वह अभी पहुंच से बाहर है। कृपया थोड़ी देर बाद प्रयास करें।',
      clip: 'announcement-hindi-unreachable',
      cue: { after: 'previous', pauseMs: 1000 },
    },
  ],
  /** Says hello as they pick up, then hangs up 1.5 s into what the bot says next. */
  'hang-up-mid-sentence': [
    { kind: 'say', text: 'Hello? Who is this?', clip: 'hang-up-hello', cue: { after: 'answer', delayMs: 400 } },
    { kind: 'hang-up', cue: { after: 'bot-audio', playedMs: 1500, pauseMs: 300 } },
  ],
  /** Answers, then replies with the keypad: 5, then 1, then says goodbye. */
  dtmf: [
    { kind: 'say', text: 'Hello?', clip: 'dtmf-hello', cue: { after: 'bot-turn', pauseMs: 500, unpromptedAfterMs: 2000 } },
    { kind: 'dtmf', digit: '5', durationMs: 250, cue: { after: 'bot-turn', pauseMs: 700 } },
    { kind: 'dtmf', digit: '1', durationMs: 200, cue: { after: 'previous', pauseMs: 400 } },
    { kind: 'say', text: 'Thank you. Bye.', clip: 'dtmf-bye', cue: { after: 'bot-turn', pauseMs: 500 } },
  ],
};

/** The script's spoken lines, in order: what speech-to-text should hear. */
export function spokenLines(name: CalleeScriptName): string[] {
  return CALLEE_SCRIPTS[name].flatMap((step) => (step.kind === 'say' ? [step.text] : []));
}
