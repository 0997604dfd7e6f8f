// The overview: orders per minute with the burst marker, stock alerts, each channel's sync
// health and the orders at risk of missing their ship-by time, all updated live.
import { stream } from './api.js';
import { h, fill, table, stat, badge, relative, link } from './dom.js';
import { columns } from './chart.js';

const STOCK_STATES = {
  SOLD_OUT: ['Sold out', '欠品', 'bad'],
  SAFETY_STOCK: ['Only safety stock left', '安全在庫のみ', 'warn'],
  LOW: ['Low', '残りわずか', 'warn'],
};

export function render(main, params, query, context) {
  const orders = h('section', { class: 'card wide', 'aria-labelledby': 'opm-title' }, h('h2', { id: 'opm-title' }, 'Orders per minute ', h('span', { lang: 'ja' }, '受注件数/分')), h('p', { class: 'help' }, 'Waiting for the first update…'));
  const stock = h('section', { class: 'card', 'aria-labelledby': 'stock-title' }, h('h2', { id: 'stock-title' }, 'Stock alerts ', h('span', { lang: 'ja' }, '欠品・安全在庫割れ')));
  const channels = h('section', { class: 'card', 'aria-labelledby': 'sync-title' }, h('h2', { id: 'sync-title' }, 'Channel sync ', h('span', { lang: 'ja' }, '在庫連携')));
  const risk = h('section', { class: 'card wide', 'aria-labelledby': 'risk-title' }, h('h2', { id: 'risk-title' }, 'Orders at risk of missing ship-by ', h('span', { lang: 'ja' }, '出荷遅延リスク')));
  fill(main, h('h1', {}, 'Overview ', h('span', { lang: 'ja' }, '概要')), h('div', { class: 'grid' }, orders, stock, channels, risk));

  const live = stream('/v1/console/events', (type, data) => {
    if (type !== 'overview') return;
    drawOrders(orders, data.ordersPerMinute);
    drawStock(stock, data.stock);
    drawChannels(channels, data.channels);
    drawRisk(risk, data.atRisk);
    main.dataset.updated = new Date().toISOString();
  }, context.setLive);
  return () => live.stop();
}

function drawOrders(section, opm) {
  const minutes = opm.minutes.map((m) => ({
    label: new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    value: m.orders,
    mark: m.burst,
  }));
  const rule = opm.burstRule;
  fill(section,
    h('h2', { id: 'opm-title' }, 'Orders per minute ', h('span', { lang: 'ja' }, '受注件数/分')),
    h('div', { class: 'stats' },
      stat('This minute', opm.currentMinute, 'opm-current'),
      stat('Last minute', opm.previousMinute, 'opm-previous'),
      h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, 'Burst'),
        h('div', { class: 'stat-value', id: 'burst' }, opm.burst ? badge('Burst 急増', 'bad') : badge('Normal', 'good')))),
    columns('Orders per minute, last 60 minutes; bursts marked', minutes),
    h('p', { class: 'help' }, `A burst is a minute with at least ${rule.factor}× the median of the ${rule.baselineMinutes} minutes before it, and at least ${rule.minimumOrders} orders.`));
}

function drawStock(section, stock) {
  const rows = stock.items.map((s) => {
    const [en, ja, kind] = STOCK_STATES[s.state] || [s.state, '', 'info'];
    return [link(`#/skus/${encodeURIComponent(s.sku)}`, s.sku), s.name, h('span', {}, badge(en, kind), ' ', h('span', { lang: 'ja' }, ja)), s.onHand, s.reserved, s.safetyStock, s.available];
  });
  fill(section,
    h('h2', { id: 'stock-title' }, 'Stock alerts ', h('span', { lang: 'ja' }, '欠品・安全在庫割れ')),
    h('p', { class: 'help' }, `${stock.total} SKU(s) with ${stock.lowStock} or fewer available.`),
    table('SKUs sold out, held only by safety stock, or low', ['SKU', 'Name', 'State', 'On hand', 'Reserved', 'Safety stock', 'Available'], rows, 'Every SKU has stock to sell.'));
}

function drawChannels(section, channels) {
  const rows = channels.map((c) => [
    link(`#/channels/${encodeURIComponent(c.channelId)}`, c.channelId),
    c.marketplace,
    c.paused ? h('span', {}, badge('Paused', 'warn'), ' ', h('span', { lang: 'ja' }, '受注停止中')) : badge(c.state || 'unknown', c.reachable ? 'good' : 'warn'),
    c.queueLength ?? '–',
    c.oldestUnsentAgeMillis == null ? '–' : `${(c.oldestUnsentAgeMillis / 1000).toFixed(1)} s`,
    c.lastError ? h('span', { class: 'error-text', title: c.lastError }, c.lastError.length > 60 ? `${c.lastError.slice(0, 60)}…` : c.lastError) : '–',
    c.credentials === 'ok' ? (c.credentialsExpireAt ? relative(c.credentialsExpireAt) : '–') : badge(c.credentials === 'expired' ? 'Expired' : `Expires ${relative(c.credentialsExpireAt)}`, c.credentials === 'expired' ? 'bad' : 'warn'),
  ]);
  fill(section,
    h('h2', { id: 'sync-title' }, 'Channel sync ', h('span', { lang: 'ja' }, '在庫連携')),
    table('Sync health of each channel', ['Channel', 'Marketplace', 'State', 'Queue', 'Oldest unsent', 'Last error', 'Credentials'], rows, 'No channels yet.'));
}

function drawRisk(section, risk) {
  const rows = risk.items.map((o) => [
    link(`#/orders/${encodeURIComponent(o.orderId)}`, o.channelOrderId),
    o.channelId,
    o.status,
    h('span', { class: o.overdue ? 'error-text' : '' }, o.overdue ? `Overdue ${relative(o.shipBy).replace(' ago', '')}` : `Due ${relative(o.shipBy)}`),
  ]);
  fill(section,
    h('h2', { id: 'risk-title' }, 'Orders at risk of missing ship-by ', h('span', { lang: 'ja' }, '出荷遅延リスク')),
    h('p', { class: 'help' }, `${risk.total} open order(s) due within ${risk.horizonHours} h or overdue.`),
    table('Open orders due soonest', ['Order', 'Channel', 'Status', 'Ship-by'], rows, 'No order is close to its ship-by time.'));
}
