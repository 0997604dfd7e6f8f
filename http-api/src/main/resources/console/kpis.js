// KPIs over a period, with charts and a CSV download.
import { api } from './api.js';
import { h, fill, table, stat, percent, number, toast } from './dom.js';
import { rows, gauge } from './chart.js';

function dateInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The instant a local date starts at, as the API expects it. */
function startOf(value) {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
}

export function render(main, params, query) {
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 6 * 86400000);
  const from = h('input', { id: 'kpi-from', type: 'date', required: true, value: query.get('from') || dateInput(weekAgo) });
  const to = h('input', { id: 'kpi-to', type: 'date', required: true, value: query.get('to') || dateInput(today) });
  const download = h('button', { type: 'button', class: 'secondary', id: 'kpi-csv' }, 'Download CSV');
  const form = h('form', { class: 'filters' },
    h('div', {}, h('label', { for: 'kpi-from' }, 'From (first day)'), from),
    h('div', {}, h('label', { for: 'kpi-to' }, 'To (last day, included)'), to),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show'), download));
  const out = h('div', { class: 'grid' });
  fill(main, h('h1', {}, 'KPIs ', h('span', { lang: 'ja' }, '運営指標')), form, out);

  const period = () => {
    const end = new Date(startOf(to.value));
    end.setDate(end.getDate() + 1);
    return `from=${encodeURIComponent(startOf(from.value))}&to=${encodeURIComponent(end.toISOString())}`;
  };
  const load = async () => {
    try {
      draw(out, await api(`/v1/reports/kpis?${period()}`));
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  download.addEventListener('click', async () => {
    try {
      const blob = await api(`/v1/reports/kpis?${period()}`, { accept: 'text/csv' });
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `kpis-${from.value}-${to.value}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      toast(e.message, 'error');
    }
  });
  load();
}

function draw(out, r) {
  const lt = r.shippingLeadTime;
  const rr = r.returnRate;
  const it = r.inventoryTurnover;
  const os = r.oversold;
  const wf = r.waitedForStock;
  fill(out,
    h('section', { class: 'card', 'aria-labelledby': 'kpi-lead' },
      h('h2', { id: 'kpi-lead' }, 'Shipping lead time ', h('span', { lang: 'ja' }, '出荷リードタイム')),
      h('div', { class: 'stats' },
        stat(`Within ${lt.targetHours} h`, percent(lt.shareWithinTarget), 'kpi-lead-share'),
        stat('Median', lt.medianHours == null ? '–' : `${number(lt.medianHours, 1)} h`),
        stat('90th percentile', lt.p90Hours == null ? '–' : `${number(lt.p90Hours, 1)} h`),
        stat('Orders shipped', lt.orders)),
      gauge(`Share of orders shipped within ${lt.targetHours} h (target: all)`, lt.shareWithinTarget, 1)),
    h('section', { class: 'card', 'aria-labelledby': 'kpi-returns' },
      h('h2', { id: 'kpi-returns' }, 'Return rate ', h('span', { lang: 'ja' }, '返品率')),
      h('div', { class: 'stats' },
        stat('Return rate', percent(rr.rate), 'kpi-return-rate'),
        stat('Target', `≤ ${percent(rr.target)}`),
        stat('Units returned / shipped', `${rr.unitsReturned} / ${rr.unitsShipped}`)),
      gauge(`Return rate against the ${percent(rr.target)} target`, rr.rate, rr.target, { goodBelow: true })),
    h('section', { class: 'card', 'aria-labelledby': 'kpi-turnover' },
      h('h2', { id: 'kpi-turnover' }, 'Inventory turnover ', h('span', { lang: 'ja' }, '在庫回転率')),
      h('div', { class: 'stats' },
        stat('Turnover', number(it.turnover), 'kpi-turnover-value'),
        stat('Units shipped', it.unitsShipped),
        stat('Average on hand', number(it.averageOnHand, 1))),
      table('Turnover per SKU', ['SKU', 'Shipped', 'Average on hand', 'Turnover'],
        it.skus.map((s) => [s.sku, s.unitsShipped, number(s.averageOnHand, 1), number(s.turnover)]), 'No stock moved.')),
    h('section', { class: 'card', 'aria-labelledby': 'kpi-oversold' },
      h('h2', { id: 'kpi-oversold' }, 'Oversold and waiting ', h('span', { lang: 'ja' }, '在庫不足')),
      h('div', { class: 'stats' },
        stat('Oversold units', os.units, 'kpi-oversold-units'),
        stat('Orders affected', os.orders),
        stat('Orders that waited for stock', wf.orders, 'kpi-waited'),
        stat('Still waiting', wf.stillWaiting),
        stat('Mean wait', wf.meanWaitMinutes == null ? '–' : `${number(wf.meanWaitMinutes, 1)} min`)),
      table('Units orders could not get from stock on arrival', ['SKU', 'Channel', 'Why', 'Units', 'Orders'],
        os.lines.map((l) => [l.sku, l.channelId, l.reason === 'short' ? 'refused (waited)' : 'backordered', l.units, l.orders]), 'None.')),
    h('section', { class: 'card wide', 'aria-labelledby': 'kpi-sold' },
      h('h2', { id: 'kpi-sold' }, 'Units sold per SKU and channel ', h('span', { lang: 'ja' }, '販売数')),
      r.unitsSold.length ? rows('Units sold per SKU and channel', r.unitsSold.map((u) => ({ label: `${u.sku} · ${u.channelId}`, value: u.units }))) : null,
      table('Units sold (orders placed in the period, not cancelled)', ['SKU', 'Channel', 'Units'],
        r.unitsSold.map((u) => [u.sku, u.channelId, u.units]), 'No orders in this period.')));
}
