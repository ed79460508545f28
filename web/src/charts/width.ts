/** How many points to ask the API for: about one per device pixel of the chart. */

import { useEffect, useRef, useState, type RefObject } from "react";

export const MIN_POINTS = 200;
export const MAX_POINTS = 4000;

/** `clamp(round(width × devicePixelRatio), 200, 4000)`: the `maxPoints` for a chart
 * `width` CSS pixels wide (the API keeps each bucket's min and max, so spikes survive). */
export function maxPointsFor(width: number, devicePixelRatio = 1): number {
  const wanted = Math.round(Math.max(0, width) * (devicePixelRatio > 0 ? devicePixelRatio : 1));
  return Math.min(MAX_POINTS, Math.max(MIN_POINTS, wanted));
}

/** The `maxPoints` to keep asking for while a chart is resized: the current one until the
 * new one differs by more than 10%, so that dragging a window's edge does not refetch on
 * every pixel. */
export function settledMaxPoints(current: number | null, next: number): number {
  if (current === null) return next;
  return Math.abs(next - current) > current * 0.1 ? next : current;
}

function pixelRatio(): number {
  return typeof window !== "undefined" && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
}

/** A box's content width (CSS px), followed with a ResizeObserver. */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      for (const entry of entries) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The width of the element `ref` is put on, and the `maxPoints` to ask the API for a
 * chart of that width (`maxPointsFor`, settled with `settledMaxPoints`). Put `ref` on the
 * box the chart fills (the chart follows its container's width):
 *
 *     const { ref, maxPoints } = useChartWidth();
 *     const [result] = useQuery({ query, variables: { key, maxPoints } });
 *     return <div ref={ref}><TimeSeriesChart … /></div>;
 *
 * `maxPoints` is null until the element has been measured: wait for it before asking.
 */
export function useChartWidth(): {
  ref: RefObject<HTMLDivElement | null>;
  width: number;
  maxPoints: number | null;
} {
  const ref = useRef<HTMLDivElement | null>(null);
  const width = useElementWidth(ref);
  const settled = useRef<number | null>(null);
  let maxPoints: number | null = null;
  if (width > 0) {
    settled.current = settledMaxPoints(settled.current, maxPointsFor(width, pixelRatio()));
    maxPoints = settled.current;
  }
  return { ref, width, maxPoints };
}
