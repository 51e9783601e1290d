import { ringlineCriticalPathMs, ReplyTimeline, type ReplyMarks } from '../../media-server/pipeline/reply-timeline';

/** Provider time (model 300 ms, tokens 80 ms, synthesis 175 ms) sits between Ringline's hops and must never be counted. */
const answeredOnTheTurn: ReplyMarks = {
  held: false,
  decided: 1000,
  modelRequested: 1001,
  released: 1001,
  firstSentence: 1380,
  synthesisRequested: 1382,
  audioReady: 1557,
  firstChunkSent: 1560,
};

describe("Ringline's own time on a reply's way to its first audio", () => {
  it('for a reply started on the turn: model request, sentence → synthesis, audio → first chunk', () => {
    expect(ringlineCriticalPathMs(answeredOnTheTurn)).toBe(1 + 2 + 3);
  });

  it('for a held reply whose audio was ready: the decision → release hand-off and the send', () => {
    const marks: ReplyMarks = { held: true, modelRequested: 0, firstSentence: 380, synthesisRequested: 381, audioReady: 560, decided: 900, released: 904, firstChunkSent: 910 };
    expect(ringlineCriticalPathMs(marks)).toBe(4 + 6);
  });

  it('for a held reply released before its audio: the synthesis path, not the model request made before the turn', () => {
    const marks: ReplyMarks = { held: true, modelRequested: 0, firstSentence: 380, synthesisRequested: 385, decided: 400, released: 401, audioReady: 560, firstChunkSent: 562 };
    expect(ringlineCriticalPathMs(marks)).toBe(5 + 2);
  });

  it('is unknown for a reply that never sent audio', () => {
    expect(ringlineCriticalPathMs({ ...answeredOnTheTurn, firstChunkSent: undefined })).toBeUndefined();
  });

  it('keeps the first occurrence of each mark', () => {
    const timeline = new ReplyTimeline(false);
    timeline.mark('decided', 10);
    timeline.mark('decided', 20);
    expect(timeline.marks.decided).toBe(10);
  });
});
