// SKU list and SKU page: levels (live), sellable per channel and how it was computed, allocation
// rules, and the SKU's event history from its journal.
import { api, seg, stream, ApiError } from './api.js';
import { h, fill, table, stat, when, toast, link } from './dom.js';

const RULES = [
  ['shared', 'Shared pool (共有在庫)'],
  ['dedicated', 'Dedicated quota for a live (ライブ専用枠)'],
  ['percentage', 'Percentage of the shared pool (%)'],
  ['buffer', 'Shared pool minus a buffer'],
  ['cap', 'At most N units'],
];

export async function renderList(main, params, query) {
  const code = h('input', { id: 'open-sku', name: 'sku', required: true, autocomplete: 'off' });
  const open = h('form', { class: 'inline-form' },
    h('label', { for: 'open-sku' }, 'Open a SKU by code'), code, h('button', { type: 'submit' }, 'Open'));
  open.addEventListener('submit', (e) => {
    e.preventDefault();
    window.location.hash = `#/skus/${encodeURIComponent(code.value.trim())}`;
  });
  const list = h('div', {});
  fill(main, h('h1', {}, 'SKUs ', h('span', { lang: 'ja' }, '在庫')), open, list);
  const cursor = query.get('cursor');
  const page = await api(`/v1/skus?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  fill(list,
    table('SKUs in code order (from the read side, about a second behind)', ['SKU', 'Name', 'On hand', 'Reserved', 'Safety stock', 'Available'],
      page.items.map((s) => [link(`#/skus/${encodeURIComponent(s.sku)}`, s.sku), s.name, s.onHand, s.reserved, s.safetyStock, s.available]),
      'No SKUs yet.'),
    page.nextCursor ? h('p', {}, link(`#/skus?cursor=${encodeURIComponent(page.nextCursor)}`, 'Next page')) : null);
}

const LEVELS = [
  ['onHand', 'On hand', '在庫数'],
  ['reserved', 'Reserved', '引当済'],
  ['safetyStock', 'Safety stock', '安全在庫'],
  ['available', 'Available', '販売可能'],
  ['backordered', 'Backordered', '取り寄せ'],
  ['preordered', 'Pre-ordered', '予約'],
  ['incoming', 'Incoming', '入荷予定'],
  ['shared', 'In channel shares', 'チャネル配分'],
];

export async function renderDetail(main, [sku], query, context) {
  const levels = h('section', { class: 'card wide', 'aria-labelledby': 'levels-title' });
  const sellable = h('section', { class: 'card wide', 'aria-labelledby': 'sellable-title' });
  const rules = h('section', { class: 'card', 'aria-labelledby': 'rules-title' });
  const history = h('section', { class: 'card wide', 'aria-labelledby': 'history-title' });
  fill(main, h('h1', {}, 'SKU ', h('code', { id: 'sku-code' }, sku)), h('div', { class: 'grid' }, levels, sellable, rules, history));

  const [view, channelList] = await Promise.all([
    api(`/v1/skus/${seg(sku)}`),
    api('/v1/channels'),
  ]);
  drawLevels(levels, view);
  const refreshSellable = async () => {
    try {
      const availability = await api(`/v1/skus/${seg(sku)}/availability`);
      drawSellable(sellable, availability);
      drawRules(rules, sku, view, availability, refreshAll);
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  const refreshAll = async () => {
    drawLevels(levels, await api(`/v1/skus/${seg(sku)}`));
    await refreshSellable();
    loadHistory(history, sku, null);
  };
  await refreshSellable();
  loadHistory(history, sku, null);

  let last = JSON.stringify(view);
  const live = stream(`/v1/console/events?sku=${encodeURIComponent(sku)}`, (type, data) => {
    if (type !== 'sku') return;
    const text = JSON.stringify(data);
    if (text === last) return;
    last = text;
    drawLevels(levels, data);
    refreshSellable();
    loadHistory(history, sku, null);
  }, context.setLive);
  return () => live.stop();
}

function drawLevels(section, view) {
  section.dataset.onHand = view.onHand;
  fill(section,
    h('h2', { id: 'levels-title' }, view.name, view.components && view.components.length ? ' (bundle セット商品)' : ''),
    h('div', { class: 'stats' }, LEVELS.map(([key, en, ja]) => stat(h('span', {}, en, ' ', h('span', { lang: 'ja' }, ja)), view[key], `level-${key}`))),
    view.components && view.components.length
      ? h('p', { class: 'help' }, 'Made of: ', view.components.map((c) => `${c.quantity} × ${c.sku}`).join(', '))
      : h('p', { class: 'help' }, 'Available = on hand − reserved − safety stock − owed holds − units in channel shares (the last units of a fast seller, each counted down by one marketplace); it updates live.'));
}

function drawSellable(section, availability) {
  fill(section,
    h('h2', { id: 'sellable-title' }, 'Sellable per channel ', h('span', { lang: 'ja' }, 'チャネル別販売可能数')),
    table('What each channel may sell and why', ['Channel', 'Rule', 'Sellable', 'How it was computed'],
      availability.channels.map((c) => [
        link(`#/channels/${encodeURIComponent(c.channelId)}`, c.channelId),
        `${c.rule}${c.rule === 'shared' ? '' : ` ${c.amount}${c.rule === 'percentage' ? ' %' : ''}`}${c.ruleSource === 'default' ? ' (channel default)' : ''}`,
        h('strong', { 'data-channel': c.channelId, class: 'sellable' }, String(c.sellable)),
        c.explanation,
      ]), 'No channels yet.'));
}

function drawRules(section, sku, view, availability, refresh) {
  const safetyInput = h('input', { id: 'safety-stock', type: 'number', min: 0, step: 1, value: view.safetyStock, required: true });
  const safety = h('form', { class: 'stack' },
    h('label', { for: 'safety-stock' }, 'Safety stock ', h('span', { lang: 'ja' }, '安全在庫'), ' (held back from every channel)'),
    safetyInput,
    h('button', { type: 'submit' }, 'Save safety stock'));
  safety.addEventListener('submit', async (e) => {
    e.preventDefault();
    await save(() => api(`/v1/skus/${seg(sku)}/safety-stock`, { method: 'PUT', body: { quantity: Number(safetyInput.value) } }), 'Safety stock saved.', refresh);
  });

  const channelSelect = h('select', { id: 'rule-channel', required: true }, availability.channels.map((c) => h('option', { value: c.channelId }, c.channelId)));
  const ruleSelect = h('select', { id: 'rule-kind' }, RULES.map(([value, label]) => h('option', { value }, label)));
  const amount = h('input', { id: 'rule-amount', type: 'number', min: 0, step: 1, value: 0 });
  const sync = () => {
    const current = availability.channels.find((c) => c.channelId === channelSelect.value);
    if (current) {
      ruleSelect.value = current.rule;
      amount.value = current.amount;
    }
    amount.disabled = ruleSelect.value === 'shared';
  };
  channelSelect.addEventListener('change', sync);
  ruleSelect.addEventListener('change', () => { amount.disabled = ruleSelect.value === 'shared'; });
  const form = h('form', { class: 'stack' },
    h('label', { for: 'rule-channel' }, 'Channel'), channelSelect,
    h('label', { for: 'rule-kind' }, 'Allocation rule ', h('span', { lang: 'ja' }, '引当ルール')), ruleSelect,
    h('label', { for: 'rule-amount' }, 'Amount (units, or percent)'), amount,
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Save rule'),
      h('button', { type: 'button', class: 'secondary', id: 'rule-reset', onclick: async () => {
        await save(() => api(`/v1/skus/${seg(sku)}/allocation/${seg(channelSelect.value)}`, { method: 'DELETE' }), 'Rule removed; the channel default applies.', refresh);
      } }, 'Use channel default')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await save(() => api(`/v1/skus/${seg(sku)}/allocation/${seg(channelSelect.value)}`, { method: 'PUT', body: { rule: ruleSelect.value, amount: Number(amount.value || 0) } }), 'Rule saved.', refresh);
  });
  fill(section,
    h('h2', { id: 'rules-title' }, 'Allocation ', h('span', { lang: 'ja' }, '在庫配分')),
    safety,
    availability.channels.length ? form : h('p', { class: 'help' }, 'Add a channel to set allocation rules.'));
  sync();
}

async function save(call, message, refresh) {
  try {
    await call();
    toast(message, 'good');
    await refresh();
  } catch (e) {
    toast(e instanceof ApiError ? e.message : 'The engine could not be reached.', 'error');
  }
}

const SUMMARIES = {
  SkuDefined: (d) => `Defined as “${d.name}”`,
  SkuRenamed: (d) => `Renamed to “${d.name}”`,
  SkuComponentsChanged: (d) => `Components: ${(d.components || []).map((c) => `${c.quantity} × ${c.sku}`).join(', ') || 'none'}`,
  StockAdjusted: (d) => `On hand ${d.delta > 0 ? '+' : ''}${d.delta} (${String(d.reason).toLowerCase()}, ${d.adjustmentId})`,
  SafetyStockSet: (d) => `Safety stock set to ${d.quantity}`,
  StockPolicySet: (d) => `Policy ${String(d.policy).toLowerCase()}${d.backorderLimit ? `, backorder limit ${d.backorderLimit}` : ''}`,
  IncomingAdded: (d) => `${d.quantity} incoming (${d.incomingId})`,
  IncomingReceived: (d) => `${d.quantity} received (${d.incomingId})`,
  ReservationsPlaced: (d) => `${d.reservations.length + (d.moreReservations || 0)} hold(s): ${d.reservations.map((r) => `${r.quantity}${r.channelId ? ` on ${r.channelId}` : ''}`).join(', ')}${d.moreReservations ? ', …' : ''}`,
  HoldsFilled: (d) => `${d.reservationIds.length} owed hold(s) filled from stock`,
  ReservationReleased: (d) => `Hold ${d.reservationId} released (${d.quantity})`,
  ReservationExpired: (d) => `Hold ${d.reservationId} expired (${d.quantity})`,
  ReservationCommitted: (d) => `Shipped ${d.quantity} of hold ${d.reservationId}`,
  ShareSet: (d) => `Share of ${d.channelId}: ${d.units} (${d.change >= 0 ? '+' : ''}${d.change})`,
};

async function loadHistory(section, sku, before, rows = []) {
  try {
    const page = await api(`/v1/skus/${seg(sku)}/events?limit=25${before ? `&before=${before}` : ''}`);
    const all = rows.concat(page.items.map((e) => [String(e.sequenceNr), when(e.at), e.type, (SUMMARIES[e.type] || (() => ''))(e.data)]));
    fill(section,
      h('h2', { id: 'history-title' }, 'Event history ', h('span', { lang: 'ja' }, '履歴')),
      table('Events of this SKU from its journal, newest first', ['#', 'Time', 'Event', 'What happened'], all, 'No events.'),
      page.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => loadHistory(section, sku, page.nextCursor, all) }, 'Load older events') : null);
  } catch (e) {
    toast(e.message, 'error');
  }
}
