import { useEffect, useRef, useState, type ReactElement } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import "./charts.css";
import { lastPoint, lowerBound, upperBound, type SeriesColumns } from "./columns";
import type { XRange } from "./downsample";
import { formatStep, formatTicks, formatValue, lastPointText } from "./format";
import { seriesColor } from "./palette";
import { plotData, xyOf, type XAxis } from "./plotData";
import { useElementWidth } from "./width";

/** One line of a chart. */
export interface ChartSeries {
  /** Shown in the legend (an experiment's name on Compare, the key elsewhere). */
  readonly name: string;
  readonly data: SeriesColumns;
  /** Bump it when `data` was changed in place (`SeriesBuffer.revision`): the chart
   * redraws when `data` is another object or `revision` changed. */
  readonly revision?: number;
  /** Default: `seriesColor(index)`. */
  readonly color?: string;
}

export interface TimeSeriesChartProps {
  /** The metric key: the chart's caption and its canvas' accessible name. */
  readonly metric: string;
  readonly series: readonly ChartSeries[];
  /** Steps (default) or the points' times. */
  readonly xAxis?: XAxis;
  /** The plot's height in CSS pixels (default 240); its width follows the container. */
  readonly height?: number;
  /** The `Last:` text beside the chart; default: the first series' last point. With
   * several series and no `last`, each series' last point is listed. */
  readonly last?: { step: number; value: number | null } | null;
  /** uPlot's legend (names, colours, values under the cursor). Default true. */
  readonly legend?: boolean;
  /** A step range was drag-selected on the plot: the chart shows that range at once, from
   * the data it has; fetch the range at full resolution and pass it in `series`. */
  readonly onZoom?: (stepFrom: number, stepTo: number) => void;
  /** `Reset zoom` was clicked (or the plot double-clicked) while zoomed. */
  readonly onResetZoom?: () => void;
  /** Called after each complete redraw of the canvas. */
  readonly onDraw?: () => void;
}

const AXIS_FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const AXIS_STROKE = "#333";
const GRID = { stroke: "#e4e4e7", width: 1 };
const TICKS = { stroke: "#a1a1aa", width: 1, size: 6 };

function pixelRatio(): number {
  return typeof window !== "undefined" && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
}

/** The pixel columns a chart `width` CSS px wide thins its data to: device pixels for one
 * series; CSS pixels for an overlay, whose lines (1.5 CSS px each, many of them) cannot
 * show more, and whose canvas rasterises half the segments that way on a 2× screen. */
function columnsFor(width: number, seriesCount: number): number {
  return Math.max(1, Math.round(width * (seriesCount > 1 ? 1 : pixelRatio())));
}

/** The y axis as wide as its longest label (uPlot's default is a fixed 50 px). */
function yAxisSize(self: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = self.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycleNum > 1 && axis._size !== undefined) return axis._size;
  let size = TICKS.size + 8;
  const longest = (values ?? []).reduce((acc, value) => (value.length > acc.length ? value : acc), "");
  if (longest !== "") {
    self.ctx.font = AXIS_FONT;
    size += self.ctx.measureText(longest).width;
  }
  return Math.ceil(size);
}

interface Handlers {
  zoom(from: number, to: number): void;
  reset(): void;
  draw(): void;
}

function chartOptions(
  props: TimeSeriesChartProps,
  width: number,
  height: number,
  handlers: Handlers,
): uPlot.Options {
  const xAxis = props.xAxis ?? "step";
  return {
    width,
    height,
    pxAlign: false,
    scales: { x: { time: xAxis === "time" }, y: { auto: true } },
    axes: [
      {
        label: xAxis === "time" ? "Time" : "Step",
        labelFont: AXIS_FONT,
        labelSize: 18,
        size: xAxis === "time" ? 50 : 34, // time ticks may take two lines
        font: AXIS_FONT,
        stroke: AXIS_STROKE,
        grid: GRID,
        ticks: TICKS,
      },
      {
        font: AXIS_FONT,
        stroke: AXIS_STROKE,
        grid: GRID,
        ticks: TICKS,
        size: yAxisSize,
        values: (_u, splits) => formatTicks(splits),
      },
    ],
    series: [
      xAxis === "time"
        ? { label: "Time" }
        : { label: "Step", value: (_u, v) => (v == null ? "—" : formatStep(v)) },
      ...props.series.map(
        (one, index): uPlot.Series => ({
          label: one.name,
          stroke: one.color ?? seriesColor(index),
          width: 1.5,
          spanGaps: false,
          value: (_u, v) => formatValue(v),
        }),
      ),
    ],
    legend: { show: props.legend ?? true },
    cursor: {
      drag: { x: true, y: false, setScale: false },
      bind: {
        // uPlot's double-click re-ranges x by itself; here it is the same as Reset zoom
        dblclick: () => () => {
          handlers.reset();
          return null;
        },
      },
    },
    hooks: {
      setSelect: [
        (u) => {
          const { left, width: selected } = u.select;
          if (selected < 2) return;
          const from = u.posToVal(left, "x");
          const to = u.posToVal(left + selected, "x");
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          handlers.zoom(from, to);
        },
      ],
      draw: [() => handlers.draw()],
    },
  };
}

/** The steps of an x range: on a step axis the whole steps inside it; on a time axis the
 * steps of the first and last points of `key` inside it. Null when it holds no step. */
function stepsOf(
  from: number,
  to: number,
  xAxis: XAxis,
  key: SeriesColumns | undefined,
): [number, number] | null {
  if (xAxis === "step") {
    const stepFrom = Math.max(0, Math.ceil(from));
    const stepTo = Math.floor(to);
    return stepFrom < stepTo ? [stepFrom, stepTo] : null;
  }
  if (!key) return null;
  const x = xyOf(key, "time").x;
  const first = lowerBound(x, from);
  const last = upperBound(x, to) - 1;
  if (first > last) return null;
  return [key.steps[first] as number, key.steps[last] as number];
}

/** The inputs a drawn frame was made from; a frame is made again when one changes. */
interface Drawn {
  data: readonly SeriesColumns[];
  revisions: readonly (number | undefined)[];
  columns: number;
  view: XRange | null;
}

function sameDrawn(a: Drawn | null, b: Drawn): boolean {
  return (
    a !== null &&
    a.columns === b.columns &&
    a.view === b.view &&
    a.data.length === b.data.length &&
    a.data.every((data, i) => data === b.data[i] && a.revisions[i] === b.revisions[i])
  );
}

/**
 * A canvas line chart of one or more series (uPlot), for series of any length.
 *
 * - one colour per series from `SERIES_COLORS`, a legend with the names;
 * - null values are gaps; the y axis ranges over what is in view;
 * - follows its container's width (ResizeObserver); draws at most ~4 points per pixel
 *   column, keeping each column's min and max (`plotData`);
 * - drag across the plot to zoom into a step range (`onZoom`), `Reset zoom` to go back;
 * - accessible: the canvas is an image named after the metric, and the last step and
 *   value are written beside it (`Last: step 1,234 · 0.0123`).
 *
 * Live data: merge points into a `SeriesBuffer` and pass its `revision`; the chart then
 * redraws with `setData` (the uPlot instance is made again only when the series' names,
 * colours, the x-axis or the legend change).
 */
export function TimeSeriesChart(props: TimeSeriesChartProps): ReactElement {
  const { metric, series, height = 240 } = props;
  const xAxis = props.xAxis ?? "step";
  const boxRef = useRef<HTMLDivElement | null>(null);
  const width = useElementWidth(boxRef);
  const [view, setView] = useState<XRange | null>(null);
  const chartRef = useRef<uPlot | null>(null);
  const drawnRef = useRef<Drawn | null>(null);
  const propsRef = useRef(props);
  const viewRef = useRef(view);
  useEffect(() => {
    propsRef.current = props;
    viewRef.current = view;
  });

  const columns = columnsFor(width, series.length);
  const wanted: Drawn = {
    data: series.map((one) => one.data),
    revisions: series.map((one) => one.revision),
    columns,
    view,
  };
  const frame = (input: Drawn): uPlot.AlignedData =>
    plotData(input.data, xAxis, input.columns, input.view) as uPlot.AlignedData;

  // what makes a new uPlot (anything else goes through setData / setSize)
  const shape = JSON.stringify([
    xAxis,
    props.legend ?? true,
    series.map((one, index) => [one.name, one.color ?? seriesColor(index)]),
  ]);
  const ready = width > 0;

  useEffect(() => {
    const box = boxRef.current;
    if (!box || !ready) return;
    const handlers: Handlers = {
      zoom(from, to) {
        const current = propsRef.current;
        const steps = stepsOf(from, to, current.xAxis ?? "step", current.series[0]?.data);
        if (steps === null) return;
        setView(current.xAxis === "time" ? { from, to } : { from: steps[0], to: steps[1] });
        current.onZoom?.(steps[0], steps[1]);
      },
      reset() {
        if (viewRef.current === null) return;
        setView(null);
        propsRef.current.onResetZoom?.();
      },
      draw() {
        propsRef.current.onDraw?.();
      },
    };
    const first: Drawn = {
      data: propsRef.current.series.map((one) => one.data),
      revisions: propsRef.current.series.map((one) => one.revision),
      columns: columnsFor(width, propsRef.current.series.length),
      view: viewRef.current,
    };
    const chart = new uPlot(
      chartOptions(propsRef.current, width, height, handlers),
      frame(first),
      box,
    );
    if (first.view) chart.setScale("x", { min: first.view.from, max: first.view.to });
    const canvas = chart.root.querySelector("canvas");
    canvas?.setAttribute("role", "img");
    canvas?.setAttribute("aria-label", `Chart of ${propsRef.current.metric}`);
    chartRef.current = chart;
    drawnRef.current = first;
    return () => {
      chart.destroy();
      chartRef.current = null;
      drawnRef.current = null;
    };
    // made again only when `shape` changes or the box is first measured; the data, the
    // size and the view reach the chart through the effects below
  }, [shape, ready]);

  useEffect(() => {
    const chart = chartRef.current;
    if (chart && width > 0 && (chart.width !== width || chart.height !== height)) {
      chart.setSize({ width, height });
    }
  }, [width, height]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || sameDrawn(drawnRef.current, wanted)) return;
    const data = frame(wanted);
    chart.batch(() => {
      chart.setData(data, wanted.view === null);
      if (wanted.view) chart.setScale("x", { min: wanted.view.from, max: wanted.view.to });
    });
    drawnRef.current = wanted;
  });

  useEffect(() => {
    const canvas = chartRef.current?.root.querySelector("canvas");
    canvas?.setAttribute("aria-label", `Chart of ${metric}`);
  }, [metric]);

  const reset = (): void => {
    setView(null);
    props.onResetZoom?.();
  };

  let summary: ReactElement;
  if (props.last !== undefined || series.length <= 1) {
    const last = props.last !== undefined ? props.last : series[0] ? lastPoint(series[0].data) : null;
    summary = <p className="ts-chart__last">{lastPointText(last)}</p>;
  } else {
    summary = (
      <ul className="ts-chart__last" aria-label={`Last values of ${metric}`}>
        {series.map((one, index) => (
          <li key={`${index}:${one.name}`}>
            <span
              className="ts-chart__swatch"
              style={{ background: one.color ?? seriesColor(index) }}
              aria-hidden="true"
            />
            {one.name}: {lastPointText(lastPoint(one.data))}
          </li>
        ))}
      </ul>
    );
  }

  return (
    <figure className="ts-chart">
      <div className="ts-chart__head">
        <figcaption className="ts-chart__title">{metric}</figcaption>
        {view !== null && (
          <button type="button" className="ts-chart__reset" onClick={reset}>
            Reset zoom
          </button>
        )}
      </div>
      <div className="ts-chart__plot" ref={boxRef} style={{ minHeight: height }} />
      {summary}
    </figure>
  );
}
