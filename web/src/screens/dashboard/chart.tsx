// A bar chart (Chart.js, only the parts used, registered here so the dashboard's lazy chunk
// carries them and the first load does not). The canvas is an image with a label; the screens
// put the same numbers beside it as a table, which is what a screen reader reads.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";
import { formatNumber } from "../../i18n";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

export type Series = {
  label: string;
  data: number[];
  color: string;
  /** A line on the right-hand axis (e.g. spend in yen beside counts). */
  line?: boolean;
};

type Props = { labels: string[]; series: Series[]; label: string; id?: string };

export function BarChart({ labels, series, label, id }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify({ labels, series });
  useEffect(() => {
    const hasLine = series.some((s) => s.line);
    const config: ChartConfiguration<"bar" | "line", number[], string> = {
      type: "bar",
      data: {
        labels,
        datasets: series.map((s) => ({
          type: s.line ? ("line" as const) : ("bar" as const),
          label: s.label,
          data: s.data,
          backgroundColor: s.color,
          borderColor: s.color,
          yAxisID: s.line ? "y1" : "y",
          ...(s.line ? { tension: 0, pointRadius: 3 } : { borderRadius: 2, maxBarThickness: 72 }),
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: series.length > 1, position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatNumber(c.parsed.y as number)}` } },
        },
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => formatNumber(Number(v)) } },
          ...(hasLine
            ? {
                y1: {
                  beginAtZero: true,
                  position: "right" as const,
                  grid: { drawOnChartArea: false },
                  ticks: { precision: 0, callback: (v: string | number) => formatNumber(Number(v)) },
                },
              }
            : {}),
        },
      },
    };
    const chart = new Chart(canvas.current!, config as ChartConfiguration);
    return () => chart.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} id={id} role="img" aria-label={label}>
        {label}
      </canvas>
    </div>
  );
}
