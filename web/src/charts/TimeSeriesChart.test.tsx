import { act, type ReactElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { SeriesBuffer } from "./columns";
import { installCanvas, setBoxWidth } from "./jsdomCanvas.testutil";
import { SERIES_COLORS } from "./palette";
import { TimeSeriesChart } from "./TimeSeriesChart";

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  installCanvas();
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

async function render(element: ReactElement): Promise<void> {
  await act(async () => {
    root.render(element);
  });
}

function ramp(n: number, last = 0.0123) {
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map((i) => (i === n - 1 ? last : 1 / (i + 1)));
  return { steps, values };
}

function drag(fromX: number, toX: number): void {
  const over = container.querySelector(".u-over");
  if (!over) throw new Error("no plot");
  const at = (type: string, x: number, target: EventTarget) =>
    target.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: 50, button: 0 }));
  at("mousedown", fromX, over);
  at("mousemove", (fromX + toX) / 2, over);
  at("mousemove", toX, over);
  at("mouseup", toX, document);
}

describe("TimeSeriesChart", () => {
  it("is a canvas image named after the metric, with the last point as text", async () => {
    await render(<TimeSeriesChart metric="loss" series={[{ name: "loss", data: ramp(1235) }]} />);
    const canvas = container.querySelector("canvas");
    expect(canvas?.getAttribute("role")).toBe("img");
    expect(canvas?.getAttribute("aria-label")).toBe("Chart of loss");
    expect(container.querySelector("figcaption")?.textContent).toBe("loss");
    expect(container.querySelector(".ts-chart__last")?.textContent).toBe("Last: step 1,234 · 0.0123");
    expect(container.querySelector(".u-legend")?.textContent).toContain("loss");
    expect(container.querySelector("button")).toBeNull(); // not zoomed: no Reset zoom
  });

  it("shows the last point it is given", async () => {
    await render(
      <TimeSeriesChart
        metric="acc"
        series={[{ name: "acc", data: ramp(10) }]}
        last={{ step: 99_000, value: 0.5 }}
      />,
    );
    expect(container.querySelector(".ts-chart__last")?.textContent).toBe("Last: step 99,000 · 0.5");
  });

  it("gives each series its palette colour and name, in the legend and the summary", async () => {
    const series = ["run-a", "run-b", "run-c"].map((name, i) => ({ name, data: ramp(50, i) }));
    await render(<TimeSeriesChart metric="loss" series={series} />);
    const legend = container.querySelector(".u-legend")?.textContent ?? "";
    for (const { name } of series) expect(legend).toContain(name);
    const items = [...container.querySelectorAll(".ts-chart__last li")];
    expect(items.map((item) => item.textContent)).toEqual([
      "run-a: Last: step 49 · 0",
      "run-b: Last: step 49 · 1",
      "run-c: Last: step 49 · 2",
    ]);
    const swatches = [...container.querySelectorAll<HTMLElement>(".ts-chart__swatch")];
    const rgb = (hex: string) =>
      `rgb(${[1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)).join(", ")})`;
    expect(swatches.map((swatch) => swatch.style.background)).toEqual(
      SERIES_COLORS.slice(0, 3).map(rgb),
    );
  });

  it("zooms into a dragged step range, reports it, and Reset zoom goes back", async () => {
    const onZoom = vi.fn();
    const onResetZoom = vi.fn();
    await render(
      <TimeSeriesChart
        metric="loss"
        series={[{ name: "loss", data: ramp(1001) }]}
        onZoom={onZoom}
        onResetZoom={onResetZoom}
      />,
    );
    await act(async () => drag(200, 400));
    expect(onZoom).toHaveBeenCalledTimes(1);
    const [stepFrom, stepTo] = onZoom.mock.calls[0] as [number, number];
    expect(Number.isInteger(stepFrom) && Number.isInteger(stepTo)).toBe(true);
    expect(stepFrom).toBeGreaterThan(0);
    expect(stepTo).toBeGreaterThan(stepFrom);
    expect(stepTo).toBeLessThan(1000);
    const reset = container.querySelector("button");
    expect(reset?.textContent).toBe("Reset zoom");
    await act(async () => reset?.click());
    expect(onResetZoom).toHaveBeenCalledTimes(1);
    expect(container.querySelector("button")).toBeNull();
  });

  it("a double-click on the plot resets the zoom too", async () => {
    const onResetZoom = vi.fn();
    await render(
      <TimeSeriesChart metric="loss" series={[{ name: "loss", data: ramp(1001) }]} onResetZoom={onResetZoom} />,
    );
    const over = container.querySelector(".u-over") as HTMLElement;
    await act(async () => over.dispatchEvent(new MouseEvent("dblclick", { bubbles: true })));
    expect(onResetZoom).not.toHaveBeenCalled(); // not zoomed: nothing to reset
    await act(async () => drag(200, 400));
    expect(container.querySelector("button")?.textContent).toBe("Reset zoom");
    await act(async () => over.dispatchEvent(new MouseEvent("dblclick", { bubbles: true })));
    expect(onResetZoom).toHaveBeenCalledTimes(1);
    expect(container.querySelector("button")).toBeNull();
  });

  it("ignores a click (no drag) and a drag too narrow to hold a step", async () => {
    const onZoom = vi.fn();
    await render(
      <TimeSeriesChart metric="loss" series={[{ name: "loss", data: ramp(3) }]} onZoom={onZoom} />,
    );
    await act(async () => drag(300, 300));
    await act(async () => drag(300, 303));
    expect(onZoom).not.toHaveBeenCalled();
  });

  it("on a time axis reports the steps of the points in the dragged time range", async () => {
    const onZoom = vi.fn();
    const steps = Array.from({ length: 101 }, (_, i) => i * 10);
    const data = {
      steps,
      values: steps.map((s) => s / 10),
      times: steps.map((s) => 1_700_000_000_000 + s * 1000),
    };
    await render(
      <TimeSeriesChart metric="loss" xAxis="time" series={[{ name: "loss", data }]} onZoom={onZoom} />,
    );
    await act(async () => drag(200, 400));
    const [stepFrom, stepTo] = onZoom.mock.calls[0] as [number, number];
    expect(steps).toContain(stepFrom);
    expect(steps).toContain(stepTo);
    expect(stepTo).toBeGreaterThan(stepFrom);
  });

  it("redraws live points on the same canvas, and follows its container's width", async () => {
    const buffer = SeriesBuffer.from(ramp(10));
    const onDraw = vi.fn();
    const chart = () => (
      <TimeSeriesChart
        metric="loss"
        series={[{ name: "loss", data: buffer, revision: buffer.revision }]}
        onDraw={onDraw}
      />
    );
    await render(chart());
    const canvas = container.querySelector("canvas");
    expect(container.querySelector<HTMLElement>(".u-wrap")?.style.width).toBe("800px");
    const draws = onDraw.mock.calls.length;
    expect(draws).toBeGreaterThan(0);
    buffer.merge([{ step: 10, value: 0.25, timestamp: "2025-01-01T00:00:00Z" }]);
    await render(chart());
    expect(container.querySelector(".ts-chart__last")?.textContent).toBe("Last: step 10 · 0.25");
    expect(container.querySelector("canvas")).toBe(canvas);
    expect(onDraw.mock.calls.length).toBeGreaterThan(draws);
    await act(async () => setBoxWidth(400));
    expect(container.querySelector("canvas")).toBe(canvas);
    const wrap = container.querySelector<HTMLElement>(".u-wrap");
    expect(wrap?.style.width).toBe("400px");
    expect(canvas?.width).toBe(400);
  });

  it("shows an empty series as no points yet", async () => {
    await render(<TimeSeriesChart metric="loss" series={[{ name: "loss", data: { steps: [], values: [] } }]} />);
    expect(container.querySelector(".ts-chart__last")?.textContent).toBe("Last: no points yet");
  });
});
