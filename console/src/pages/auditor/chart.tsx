import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only what the bar charts use, so the bundle stays small (no auto-registration of every chart type).
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";
Chart.defaults.color = '#1d2733';

export const COLOURS = ['#0b6b4f', '#c77d05', '#a61b1b', '#2f5f9e', '#6b4d9e', '#52606d'];

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
  /** One colour for the series, or one per bar (an unusual day in another colour). */
  readonly colour?: string | readonly string[];
}

/**
 * A bar chart drawn once per change of its figures. The canvas is an image named by `summary` for screen
 * readers; the figures themselves are always also given as text (a table or a line) next to it.
 * `data-drawn` marks a chart that has been drawn (what the browser test waits for).
 */
export function BarChart(props: {
  summary: string;
  labels: readonly string[];
  series: readonly Series[];
  horizontal?: boolean;
  stacked?: boolean;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { labels, series, horizontal = false, stacked = false } = props;
  useEffect(() => {
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: [...labels],
        datasets: series.map((s, i) => ({
          label: s.label,
          data: [...s.values],
          backgroundColor: (s.colour ?? COLOURS[i % COLOURS.length]) as string | string[],
          maxBarThickness: 56,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { legend: { display: series.length > 1, position: 'bottom' } },
        scales: {
          x: { stacked, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    };
    const chart = new Chart(canvas.current!, config);
    canvas.current!.dataset.drawn = 'true';
    return () => chart.destroy();
  }, [JSON.stringify([labels, series, horizontal, stacked])]);
  return (
    <div class="chart" style={{ height: `${props.height ?? 16}rem` }}>
      <canvas ref={canvas} role="img" aria-label={props.summary} />
    </div>
  );
}
