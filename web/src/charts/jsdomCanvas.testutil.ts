/** What jsdom lacks for uPlot to run in a unit test: a 2D canvas context, Path2D,
 * matchMedia and ResizeObserver. The context draws nothing (jsdom has no pixels; the
 * drawing itself is exercised in Chromium by bench/chart_draw.py); it measures text as
 * 7 px per character. ResizeObserver reports the width set with `setBoxWidth`. */

import { vi } from "vitest";

// uPlot reads the pixel ratio through matchMedia as its module loads: defined on import
// (this module is imported before the chart's), for the whole test file
if (typeof window.matchMedia !== "function") {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener() {},
      removeEventListener() {},
      addListener() {},
      removeListener() {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

let boxWidth = 800;
const observers = new Set<FakeResizeObserver>();

class FakeResizeObserver {
  private readonly targets = new Set<Element>();
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    this.targets.add(target);
    observers.add(this);
    this.report();
  }
  unobserve(target: Element): void {
    this.targets.delete(target);
  }
  disconnect(): void {
    this.targets.clear();
    observers.delete(this);
  }
  report(): void {
    const entries = [...this.targets].map(
      (target) => ({ target, contentRect: { width: boxWidth, height: 0 } }) as unknown as ResizeObserverEntry,
    );
    if (entries.length) this.callback(entries, this as unknown as ResizeObserver);
  }
}

function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas, font: "10px sans-serif" };
  // every method a no-op, measureText a fixed-width font, properties kept as set
  return new Proxy(state, {
    get(target, name) {
      if (name in target) return target[name];
      if (name === "measureText") {
        return (text: string) => ({ width: text.length * 7 });
      }
      if (name === "getLineDash") return () => [];
      return () => undefined;
    },
    set(target, name, value) {
      target[name] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

/** Installs the stand-ins (call in `beforeEach`; `vi.unstubAllGlobals` in `afterEach`; the
 * getContext spy is undone by the config's `restoreMocks`). */
export function installCanvas(): void {
  const contexts = new WeakMap<HTMLCanvasElement, CanvasRenderingContext2D>();
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(function (
    this: HTMLCanvasElement,
  ) {
    let context = contexts.get(this);
    if (!context) contexts.set(this, (context = fakeContext(this)));
    return context;
    // getContext is overloaded per context kind; only "2d" is asked for here
  } as unknown as HTMLCanvasElement["getContext"]);
  vi.stubGlobal("Path2D", class {
    moveTo(): void {}
    lineTo(): void {}
    rect(): void {}
    arc(): void {}
    closePath(): void {}
    bezierCurveTo(): void {}
    addPath(): void {}
  });
  vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  boxWidth = 800;
}

/** Resizes every observed box to `width` CSS pixels. */
export function setBoxWidth(width: number): void {
  boxWidth = width;
  for (const observer of observers) observer.report();
}
