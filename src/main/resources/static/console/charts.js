// Hand-drawn SVG line charts for the console: one polyline per series, scaled to the largest value shown.
const SVG = 'http://www.w3.org/2000/svg';
export const PALETTE = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b83280', '#2c7a7b', '#975a16'];

function node(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Draws series [{color, points: [{t, v}]}] into an svg with a 300×90 viewBox, sharing one time axis (the
 * span of all points) and one value axis from 0 to the largest value; the largest value is labelled.
 */
export function lineChart(svg, series) {
  svg.replaceChildren();
  const width = 300;
  const height = 90;
  const pad = { left: 4, right: 4, top: 14, bottom: 4 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    svg.append(node('text', { x: 8, y: 50, 'font-size': 11, fill: '#6b7385' }, 'no samples yet'));
    return;
  }
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const max = Math.max(1, ...all.map((p) => p.v));
  const x = (t) => pad.left + (t1 === t0 ? width - pad.left - pad.right : ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right));
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  svg.append(node('line', { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), stroke: '#d5d9e0' }));
  svg.append(node('line', { x1: pad.left, x2: width - pad.right, y1: y(max), y2: y(max), stroke: '#eef0f3', 'stroke-dasharray': '3 3' }));
  svg.append(node('text', { x: width - pad.right, y: 10, 'font-size': 10, 'text-anchor': 'end', fill: '#6b7385' },
    `max ${Number.isInteger(max) ? max : max.toFixed(1)}`));
  for (const s of series) {
    if (s.points.length === 0) continue;
    const points = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    svg.append(node('polyline', { points, fill: 'none', stroke: s.color, 'stroke-width': 1.5 }));
    const last = s.points[s.points.length - 1];
    svg.append(node('circle', { cx: x(last.t), cy: y(last.v), r: 2, fill: s.color }));
  }
}
