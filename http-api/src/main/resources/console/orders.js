// Orders with filters (status, channel, ship-by) and one order with its timeline.
import { api, seg } from './api.js';
import { h, fill, table, when, relative, link, badge } from './dom.js';

const STATUSES = ['ALLOCATING', 'ALLOCATED', 'AWAITING_STOCK', 'PREORDERED', 'BACKORDERED', 'SHIPPED', 'CANCELLED', 'RETURNED'];

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export async function renderList(main, params, query) {
  const channels = await api('/v1/channels');
  const status = h('select', { id: 'filter-status', name: 'status' }, h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s, selected: query.get('status') === s }, s)));
  const channel = h('select', { id: 'filter-channel', name: 'channelId' }, h('option', { value: '' }, 'Any channel'),
    channels.items.map((c) => h('option', { value: c.channelId, selected: query.get('channelId') === c.channelId }, c.channelId)));
  const shipBy = h('input', { id: 'filter-ship-by', name: 'shipByBefore', type: 'datetime-local', value: toLocalInput(query.get('shipByBefore')) });
  const form = h('form', { class: 'filters', role: 'search' },
    h('div', {}, h('label', { for: 'filter-status' }, 'Status'), status),
    h('div', {}, h('label', { for: 'filter-channel' }, 'Channel'), channel),
    h('div', {}, h('label', { for: 'filter-ship-by' }, 'Ship-by before ', h('span', { lang: 'ja' }, '出荷期限')), shipBy),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (channel.value) q.set('channelId', channel.value);
    if (shipBy.value) q.set('shipByBefore', new Date(shipBy.value).toISOString());
    window.location.hash = `#/orders?${q}`;
  });
  const list = h('div', {});
  fill(main, h('h1', {}, 'Orders ', h('span', { lang: 'ja' }, '受注一覧')), form, list);

  const q = new URLSearchParams(query);
  q.set('limit', '50');
  const page = await api(`/v1/orders?${q}`);
  const next = new URLSearchParams(query);
  if (page.nextCursor) next.set('cursor', page.nextCursor);
  fill(list,
    table('Orders by ship-by time, most urgent first', ['Order', 'Channel', 'Status', 'Placed', 'Ship-by'],
      page.items.map((o) => [link(`#/orders/${encodeURIComponent(o.orderId)}`, o.channelOrderId), o.channelId, o.status, when(o.placedAt), `${when(o.shipBy)} (${relative(o.shipBy)})`]),
      'No orders match.'),
    page.nextCursor ? h('p', {}, link(`#/orders?${next}`, 'Next page')) : null);
}

export async function renderDetail(main, [orderId]) {
  const o = await api(`/v1/orders/${seg(orderId)}`);
  const events = [
    ...o.history.map((e) => ({ at: e.at, text: `Status ${e.status}` })),
    ...o.shipments.map((s) => ({ at: s.at, text: `Shipment ${s.shipmentId} by ${s.carrier} (${s.trackingNumber}): ${Object.entries(s.lines).map(([sku, q]) => `${q} × ${sku}`).join(', ')}` })),
    ...o.returns.map((r) => ({ at: r.at, text: `Return ${r.returnId}: ${r.lines.map((l) => `${l.quantity} × ${l.sku} (${l.condition})`).join(', ')}` })),
  ].sort((a, b) => new Date(a.at) - new Date(b.at));
  const overdue = !['SHIPPED', 'CANCELLED', 'RETURNED'].includes(o.status) && new Date(o.shipBy) < new Date();
  fill(main,
    h('h1', {}, 'Order ', h('code', {}, o.channelOrderId)),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'order-summary' },
        h('h2', { id: 'order-summary' }, 'Summary'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Status'), h('dd', { id: 'order-status' }, o.status),
          h('dt', {}, 'Channel'), h('dd', {}, link(`#/channels/${encodeURIComponent(o.channelId)}`, o.channelId)),
          h('dt', {}, 'Engine id'), h('dd', {}, h('code', {}, o.orderId)),
          h('dt', {}, 'Placed'), h('dd', {}, when(o.placedAt)),
          h('dt', {}, 'Ship-by ', h('span', { lang: 'ja' }, '出荷期限')), h('dd', {}, when(o.shipBy), ' ', overdue ? badge('Overdue', 'bad') : ''),
          h('dt', {}, 'Short SKUs'), h('dd', {}, o.shortSkus.length ? o.shortSkus.join(', ') : '–'))),
      h('section', { class: 'card', 'aria-labelledby': 'order-lines' },
        h('h2', { id: 'order-lines' }, 'Lines'),
        table('Order lines and how each SKU is held', ['SKU', 'Quantity', 'Shipped', 'Hold'],
          o.lines.map((l) => [link(`#/skus/${encodeURIComponent(l.sku)}`, l.sku), l.quantity, o.shipped[l.sku] || 0, o.holds[l.sku] || '–']))),
      h('section', { class: 'card wide', 'aria-labelledby': 'order-timeline' },
        h('h2', { id: 'order-timeline' }, 'Timeline ', h('span', { lang: 'ja' }, '経過')),
        h('ol', { class: 'timeline' }, events.map((e) => h('li', {}, h('time', { datetime: e.at }, when(e.at)), ' ', e.text))))));
}
