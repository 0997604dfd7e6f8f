// Charts drawn as SVG by hand: no library, nothing inline that the page's CSP would refuse.
import { h } from './dom.js';

/**
 * A column chart of values over time. bars: [{label, value, mark}] where mark highlights a bar
 * (a burst). The chart has a text title and each bar a tooltip, for screen readers too.
 */
export function columns(title, bars, { height = 160, markLabel = 'burst' } = {}) {
  const width = 600;
  const top = 16;
  const bottom = 22;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = width / Math.max(1, bars.length);
  const plot = height - top - bottom;
  const svg = h('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': title,
    preserveAspectRatio: 'none',
  });
  svg.append(h('title', {}, title));
  svg.append(h('line', { x1: 0, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }));
  bars.forEach((bar, i) => {
    const barHeight = (bar.value / max) * plot;
    const x = i * step + step * 0.1;
    const y = height - bottom - barHeight;
    const rect = h('rect', {
      x: x.toFixed(1),
      y: y.toFixed(1),
      width: Math.max(1, step * 0.8).toFixed(1),
      height: Math.max(0, barHeight).toFixed(1),
      class: bar.mark ? 'bar bar-mark' : 'bar',
    });
    rect.append(h('title', {}, `${bar.label}: ${bar.value}${bar.mark ? ` (${markLabel})` : ''}`));
    svg.append(rect);
    if (bar.mark) {
      svg.append(h('text', { x: (x + step * 0.4).toFixed(1), y: Math.max(11, y - 3).toFixed(1), class: 'mark', 'text-anchor': 'middle' }, '▲'));
    }
  });
  svg.append(h('text', { x: 2, y: 11, class: 'tick' }, String(max)));
  if (bars.length) {
    svg.append(h('text', { x: 2, y: height - 6, class: 'tick' }, bars[0].label));
    svg.append(h('text', { x: width - 2, y: height - 6, class: 'tick', 'text-anchor': 'end' }, bars[bars.length - 1].label));
  }
  return svg;
}

/** Horizontal bars, one per row: [{label, value, note}]. */
export function rows(title, items) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const lineHeight = 22;
  const labelWidth = 200;
  const width = 600;
  const height = Math.max(1, items.length) * lineHeight + 6;
  const svg = h('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart chart-rows', role: 'img', 'aria-label': title });
  svg.append(h('title', {}, title));
  items.forEach((item, i) => {
    const y = i * lineHeight + 4;
    const barWidth = ((width - labelWidth - 60) * item.value) / max;
    svg.append(h('text', { x: labelWidth - 6, y: y + 14, class: 'tick', 'text-anchor': 'end' }, item.label));
    const rect = h('rect', { x: labelWidth, y, width: Math.max(1, barWidth).toFixed(1), height: lineHeight - 6, class: 'bar' });
    rect.append(h('title', {}, `${item.label}: ${item.value}`));
    svg.append(rect);
    svg.append(h('text', { x: labelWidth + barWidth + 6, y: y + 14, class: 'tick' }, String(item.value)));
  });
  return svg;
}

/** A horizontal gauge of a ratio against a target line. */
export function gauge(title, ratio, target, { goodBelow = false } = {}) {
  const width = 300;
  const svg = h('svg', { viewBox: `0 0 ${width} 28`, class: 'chart chart-gauge', role: 'img', 'aria-label': title });
  svg.append(h('title', {}, title));
  svg.append(h('rect', { x: 0, y: 6, width, height: 14, class: 'gauge-track' }));
  if (ratio !== null && ratio !== undefined) {
    const scale = goodBelow ? Math.max(target * 3, ratio) : 1;
    const good = goodBelow ? ratio <= target : ratio >= target;
    svg.append(h('rect', { x: 0, y: 6, width: ((Math.min(ratio, scale) / scale) * width).toFixed(1), height: 14, class: good ? 'gauge-good' : 'gauge-bad' }));
    const tx = (Math.min(target, scale) / scale) * width;
    svg.append(h('line', { x1: tx.toFixed(1), y1: 2, x2: tx.toFixed(1), y2: 26, class: 'gauge-target' }));
  }
  return svg;
}
