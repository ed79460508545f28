/** The chart benchmark's page: `window.chartBench` draws generated series with the real
 * `TimeSeriesChart` and times, with performance.now(), from handing the data to the
 * chart to its first complete draw (uPlot's draw hook), and to the next animation frame
 * after it (the frame that shows it). Driven by bench/chart_draw.py. */

import { useState, type ReactElement } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import uPlot from "uplot";

import { SeriesBuffer, TimeSeriesChart, type ChartSeries, type SeriesColumns } from "../src/charts";

interface Timing {
  /** ms from handing the data over to uPlot's draw hook */
  draw: number;
  /** ms to the animation frame after the draw */
  frame: number;
}

interface Slot {
  metric: string;
  series: ChartSeries[];
  key: number;
}

/** A loss curve: exponential decay with noise, a gap, and one spike. */
function lossCurve(
  n: number,
  seed: number,
  spikeAt: number | null,
): SeriesColumns & { steps: Float64Array; values: (number | null)[] } {
  const steps = new Float64Array(n);
  const values = new Array<number | null>(n);
  let state = seed * 7919 + 17;
  const noise = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const scale = 0.6 + 0.25 * seed;
  for (let i = 0; i < n; i++) {
    steps[i] = i;
    const t = i / n;
    values[i] = scale * (2.2 * Math.exp(-t * 6) + 0.25) + noise() * 0.06 * (1 - t * 0.5);
  }
  if (spikeAt !== null) values[spikeAt] = scale * 6;
  const gap = Math.floor(n * 0.82);
  for (let i = gap; i < gap + Math.max(1, Math.floor(n / 400)); i++) values[i] = null;
  return { steps, values };
}

let show: (slot: "single" | "overlay", next: Slot) => void = () => {
  throw new Error("the page is not mounted yet");
};
let drawn: (() => void) | null = null;
let keys = 0;

function Bench(): ReactElement {
  const [single, setSingle] = useState<Slot | null>(null);
  const [overlay, setOverlay] = useState<Slot | null>(null);
  show = (slot, next) => (slot === "single" ? setSingle(next) : setOverlay(next));
  const onDraw = (): void => drawn?.();
  return (
    <>
      {single && (
        <div className="slot" id="single">
          <TimeSeriesChart key={single.key} metric={single.metric} series={single.series} onDraw={onDraw} height={300} />
        </div>
      )}
      {overlay && (
        <div className="slot" id="overlay">
          <TimeSeriesChart key={overlay.key} metric={overlay.metric} series={overlay.series} onDraw={onDraw} height={300} />
        </div>
      )}
    </>
  );
}

/** Runs `hand` (which gives the chart its data) and times it to the draw and the frame. */
function timed(hand: () => void): Promise<Timing> {
  return new Promise((resolve) => {
    const start = performance.now();
    drawn = () => {
      const draw = performance.now() - start;
      drawn = null;
      requestAnimationFrame(() => resolve({ draw, frame: performance.now() - start }));
    };
    hand();
  });
}

const chartBench = {
  /** One series of `n` points handed to a mounted chart (`remount`: to a new chart). */
  async single(n: number, remount: boolean): Promise<Timing> {
    const data = lossCurve(n, 1, Math.floor(n * 0.37));
    const key = remount ? ++keys : 0;
    return timed(() =>
      flushSync(() => show("single", { metric: "train/loss", key, series: [{ name: "train/loss", data }] })),
    );
  },
  /** `count` series of `n` points each (one per experiment, Compare's overlay). */
  async overlay(count: number, n: number): Promise<Timing> {
    const series = Array.from({ length: count }, (_, s) => ({
      name: `run-${String(s + 1).padStart(3, "0")}`,
      data: lossCurve(n, s, s === 2 ? Math.floor(n * 0.6) : null),
    }));
    return timed(() => flushSync(() => show("overlay", { metric: "val/loss", key: 0, series })));
  },
  /** A live event: `batch` points merged into an `n`-point buffer shown by the chart. */
  async live(n: number, batch: number, events: number): Promise<Timing[]> {
    const buffer = SeriesBuffer.from(lossCurve(n, 1, null));
    const slot = (): Slot => ({
      metric: "train/loss",
      key: 0,
      series: [{ name: "train/loss", data: buffer, revision: buffer.revision }],
    });
    await timed(() => flushSync(() => show("single", slot())));
    const out: Timing[] = [];
    for (let e = 0; e < events; e++) {
      const first = buffer.length;
      const points = Array.from({ length: batch }, (_, i) => ({ step: first + i, value: 0.3 + Math.random() * 0.01 }));
      out.push(
        await timed(() => {
          buffer.merge(points);
          flushSync(() => show("single", slot()));
        }),
      );
    }
    return out;
  },
  /** uPlot alone drawing the same `n` points unthinned (for comparison). */
  async bare(n: number): Promise<Timing> {
    const { steps, values } = lossCurve(n, 1, Math.floor(n * 0.37));
    const host = document.createElement("div");
    host.className = "slot";
    document.body.append(host);
    try {
      return await new Promise((resolve) => {
        const start = performance.now();
        let done = false;
        const chart = new uPlot(
          {
            width: 936,
            height: 300,
            series: [{}, { stroke: "#0072B2" }],
            hooks: {
              draw: [
                () => {
                  if (done) return;
                  done = true;
                  const draw = performance.now() - start;
                  requestAnimationFrame(() => {
                    resolve({ draw, frame: performance.now() - start });
                    chart.destroy();
                  });
                },
              ],
            },
          },
          [steps, values],
          host,
        );
      });
    } finally {
      host.remove();
    }
  },
  clear(): void {
    flushSync(() => {
      show("single", { metric: "", key: ++keys, series: [] });
    });
  },
};

declare global {
  interface Window {
    chartBench: typeof chartBench;
    chartBenchReady: boolean;
  }
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(<Bench />);
  window.chartBench = chartBench;
  requestAnimationFrame(() => {
    window.chartBenchReady = true;
  });
}
