import { describe, expect, it } from "vitest";

// the columns module alone: the index also loads uPlot, which needs a browser
import { SeriesBuffer, mergeKeyedPoints } from "../../charts/columns";
import { ResumeTracker, SyncGate, logReadAfter, mergeLines, metricReads } from "./resume";

describe("metricReads", () => {
  it("new keys whole, known keys past their last step, complete keys not at all", () => {
    const held = new Map([
      ["loss", 120],
      ["acc", 40],
    ]);
    const stored = [
      { key: "acc", lastStep: 40 },
      { key: "eval/loss", lastStep: 7 },
      { key: "loss", lastStep: 180 },
      { key: "empty", lastStep: null },
    ];
    expect(metricReads(held, stored)).toEqual([
      { key: "eval/loss", stepFrom: null },
      { key: "loss", stepFrom: 121 },
    ]);
  });

  it("nothing held yet: every stored key whole (the first sync is the history)", () => {
    expect(metricReads(new Map(), [{ key: "loss", lastStep: 3 }])).toEqual([
      { key: "loss", stepFrom: null },
    ]);
  });
});

describe("logReadAfter", () => {
  it("the first read is the tail", () => {
    expect(logReadAfter(null, 1000, 200)).toBe(800);
    expect(logReadAfter(null, 50, 200)).toBe(0);
    expect(logReadAfter(null, 0, 200)).toBeNull();
  });

  it("after a drop: from the last seq held, or the tail when more was missed", () => {
    expect(logReadAfter(900, 950, 200)).toBe(900);
    expect(logReadAfter(100, 5000, 200)).toBe(4800);
    expect(logReadAfter(950, 950, 200)).toBeNull();
    expect(logReadAfter(960, 950, 200)).toBeNull(); // live lines got past the read
  });
});

describe("mergeLines", () => {
  const lines = (...seqs: number[]) => seqs.map((seq) => ({ seq, message: `m${seq}` }));

  it("appends live lines and keeps the last `limit`", () => {
    expect(mergeLines(lines(1, 2, 3), lines(4, 5), 4).map((l) => l.seq)).toEqual([2, 3, 4, 5]);
  });

  it("a read that overlaps live lines: each seq once, in order", () => {
    const live = lines(10, 11, 12);
    const read = lines(7, 8, 9, 10, 11);
    expect(mergeLines(live, read, 100).map((l) => l.seq)).toEqual([7, 8, 9, 10, 11, 12]);
  });

  it("nothing new: the held lines", () => {
    expect(mergeLines(lines(1, 2), [], 10).map((l) => l.seq)).toEqual([1, 2]);
  });
});

describe("a dropped connection, replayed", () => {
  it("live points, a gap read past the last step, then live points again: none missing, none twice", () => {
    const buffers = new Map<string, SeriesBuffer>();
    const point = (key: string, step: number) => ({ key, step, value: step / 10 });
    mergeKeyedPoints(buffers, [point("loss", 0), point("loss", 1), point("acc", 0)]);
    // the socket drops; steps 2..5 of loss and 1..2 of acc and a new key are stored meanwhile
    const held = new Map([...buffers].map(([key, b]) => [key, b.steps[b.length - 1]!]));
    const reads = metricReads(held, [
      { key: "acc", lastStep: 2 },
      { key: "loss", lastStep: 5 },
      { key: "lr", lastStep: 5 },
    ]);
    expect(reads).toEqual([
      { key: "acc", stepFrom: 1 },
      { key: "loss", stepFrom: 2 },
      { key: "lr", stepFrom: null },
    ]);
    // live again before the read answers: steps 5 and 6 of loss arrive live too
    mergeKeyedPoints(buffers, [point("loss", 5), point("loss", 6)]);
    mergeKeyedPoints(buffers, [2, 3, 4, 5].map((s) => point("loss", s)));
    mergeKeyedPoints(buffers, [1, 2].map((s) => point("acc", s)));
    mergeKeyedPoints(buffers, [0, 5].map((s) => point("lr", s)));
    expect(buffers.get("loss")!.steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(buffers.get("acc")!.steps).toEqual([0, 1, 2]);
    expect(buffers.get("lr")!.steps).toEqual([0, 5]);
  });
});

describe("SyncGate", () => {
  it("one sync at a time; requests meanwhile make exactly one more", async () => {
    const started: number[] = [];
    let release: (() => void) | null = null;
    const gate = new SyncGate(
      () =>
        new Promise<void>((resolve) => {
          started.push(started.length);
          release = resolve;
        }),
    );
    const first = gate.request();
    void gate.request();
    void gate.request();
    expect(started).toHaveLength(1);
    release!();
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toHaveLength(2);
    release!();
    await first;
    expect(started).toHaveLength(2);
    const later = gate.request();
    expect(started).toHaveLength(3);
    release!();
    await later;
  });
});

describe("ResumeTracker", () => {
  const pts = (key: string, ...steps: number[]) => steps.map((step) => ({ key, step }));

  it("live points before the first sync has read do not count: the history is read", () => {
    const tracker = new ResumeTracker();
    tracker.statusSeen();
    const epoch = tracker.beginSync();
    tracker.live(pts("loss", 101, 102)); // live while the history read is on its way
    expect(tracker.metricReads([{ key: "loss", lastStep: 100 }])).toEqual([
      { key: "loss", stepFrom: null },
    ]);
    tracker.readMetric("loss", 100);
    tracker.endSync(epoch);
    expect(tracker.steps.get("loss")).toBe(102);
    tracker.live(pts("loss", 103));
    expect(tracker.steps.get("loss")).toBe(103);
  });

  it("after a drop: reads from the last point held before it, not from live points since", () => {
    const tracker = new ResumeTracker();
    tracker.statusSeen();
    let epoch = tracker.beginSync();
    tracker.readMetric("loss", 10);
    tracker.endSync(epoch);
    tracker.live(pts("loss", 11, 12));
    // the socket drops; 13..20 are stored; the new session starts with a StatusEvent
    tracker.statusSeen();
    epoch = tracker.beginSync();
    tracker.live(pts("loss", 21)); // live again before the read answers
    expect(tracker.steps.get("loss")).toBe(12);
    expect(tracker.metricReads([{ key: "loss", lastStep: 20 }])).toEqual([
      { key: "loss", stepFrom: 13 },
    ]);
    tracker.readMetric("loss", 20);
    tracker.endSync(epoch);
    expect(tracker.steps.get("loss")).toBe(21);
  });

  it("a StatusEvent during a sync: that sync's live points do not count; the next sync reads", () => {
    const tracker = new ResumeTracker();
    tracker.statusSeen();
    const first = tracker.beginSync();
    tracker.readMetric("loss", 5);
    tracker.live(pts("loss", 6));
    tracker.statusSeen(); // a new session (the socket dropped and came back)
    tracker.live(pts("loss", 30));
    tracker.endSync(first);
    expect(tracker.steps.get("loss")).toBe(5);
    const second = tracker.beginSync();
    expect(tracker.metricReads([{ key: "loss", lastStep: 29 }])).toEqual([
      { key: "loss", stepFrom: 6 },
    ]);
    tracker.readMetric("loss", 29);
    tracker.endSync(second);
    expect(tracker.steps.get("loss")).toBe(30);
  });

  it("log lines: the tail first, live lines count once synced, a drop reads past the last held", () => {
    const tracker = new ResumeTracker();
    tracker.statusSeen();
    let epoch = tracker.beginSync();
    tracker.liveLines([{ seq: 501 }]);
    expect(tracker.logReadAfter(500, 200)).toBe(300);
    tracker.readLog(500);
    tracker.endSync(epoch);
    expect(tracker.logSeq).toBe(501);
    tracker.liveLines([{ seq: 502 }, { seq: 503 }]);
    tracker.statusSeen();
    epoch = tracker.beginSync();
    expect(tracker.logReadAfter(540, 200)).toBe(503);
    tracker.readLog(540);
    tracker.endSync(epoch);
    expect(tracker.logSeq).toBe(540);
  });
});
