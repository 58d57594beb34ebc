// An echarts chart rendered as SVG (so its numbers are in the DOM for tests and screen readers), resized with its box.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts';

/** Renders `option` with echarts' SVG renderer; re-renders when the option changes. */
export function EChart({ option, height = 320, testId, label }: { option: echarts.EChartsOption; height?: number; testId?: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, true);
  }, [option]);
  return <div ref={ref} className="echart" style={{ height, width: '100%' }} data-testid={testId} role="img" aria-label={label} />;
}
