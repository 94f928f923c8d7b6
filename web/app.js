/*
 * callsift page: look up a number, read the verdict and what to do,
 * report, browse campaigns and statistics. Plain JavaScript, no build
 * step, no external resource (Content-Security-Policy: default-src 'self').
 *
 * Every string from the server or the user is put on the page with
 * textContent or as an SVG text node, never as markup: a comment holding
 * <script> shows as those characters and runs nothing.
 */
'use strict';

const T = {
  en: {
    nav_lookup: 'Look up', nav_campaigns: 'Campaigns', nav_stats: 'Statistics',
    lookup_title: 'Who called you?',
    lookup_lead: 'Type the number as your phone shows it. We say whether it is likely a scam and what to do.',
    number_label: 'Phone number',
    text_summary: 'Add a voicemail transcript or a text message (optional)',
    text_label: 'What the caller said, or the SMS',
    is_sms: 'It is a text message (SMS)',
    check_button: 'Check',
    advice_title: 'What to do now', why_title: 'Why',
    no_signals: 'Nothing suspicious was found.',
    number_title: 'The number', reports_title: 'Reports by other people',
    report_title: 'Report this number', category_label: 'What was it?',
    cat_scam: 'Scam', cat_spam: 'Spam', cat_robocall: 'Robocall',
    cat_telemarketing: 'Telemarketing', cat_silent: 'Silent call',
    cat_safe: 'Safe (not a scam)',
    comment_label: 'Comment (optional)', token_label: 'Access token',
    token_note: 'Reports need a token from the operator of this server (callsift token new). It is kept only in this browser tab.',
    report_button: 'Send report',
    campaigns_title: 'Campaigns',
    campaigns_lead: 'The same message sent from many different numbers: one group behind rotating numbers.',
    campaigns_empty: 'No campaign has been seen yet.',
    campaign_numbers: 'Numbers that sent it',
    stats_title: 'Statistics',
    chart_hours: 'Checks per hour, by verdict (last 24 hours)',
    chart_signals: 'Signals seen most', chart_reported: 'Most reported numbers',
    footer: 'When unsure, hang up and call the organisation on the number from its own website. Never give a PIN, a card or a code on the phone. In Japan: police consultation #9110, consumer hotline 188.',
    score: 'score', f_number: 'Number', f_national: 'National form',
    f_type: 'Type', f_country: 'Country', f_where: 'Where', f_carrier: 'Carrier',
    f_what: 'What it is', f_valid: 'Assigned range',
    yes: 'yes', no: 'no',
    no_reports: 'No one has reported this number here yet.',
    rep_summary: (n) => `${n} ${n === 1 ? 'person has' : 'people have'} reported this number.`,
    claims: 'Claims to be', evidence: 'evidence',
    report_ok: 'Thank you. Your report was saved.',
    report_dup: 'You already reported this number; it counts once.',
    need_token: 'Please enter the access token.',
    err_network: 'The server could not be reached.',
    campaign_meta: (c) => `${c.numbers} numbers · ${c.events} messages · last seen ${fmtDate(c.last_seen)}`,
    campaign: 'Campaign', store_line: (s) => `Stored: ${s.reports} reports, ${s.lists} list entries, ${s.campaigns} campaigns.`,
    no_data: 'No data yet.', lang_attr: 'en',
    types: {}
  },
  ja: {
    nav_lookup: '番号を調べる', nav_campaigns: 'キャンペーン', nav_stats: '統計',
    lookup_title: 'かかってきた番号を調べる',
    lookup_lead: '電話に表示された番号をそのまま入力してください。詐欺の可能性と、いますることをお知らせします。',
    number_label: '電話番号',
    text_summary: '留守番電話の内容やSMSを貼り付ける（任意）',
    text_label: '相手が話した内容、またはSMSの本文',
    is_sms: 'SMS（ショートメッセージ）です',
    check_button: '調べる',
    advice_title: 'いますること', why_title: '理由',
    no_signals: '怪しい点は見つかりませんでした。',
    number_title: '番号について', reports_title: 'ほかの人からの報告',
    report_title: 'この番号を報告する', category_label: 'どんな電話でしたか',
    cat_scam: '詐欺', cat_spam: '迷惑', cat_robocall: '自動音声',
    cat_telemarketing: '営業電話', cat_silent: '無言電話',
    cat_safe: '安全（詐欺ではない）',
    comment_label: 'コメント（任意）', token_label: 'アクセストークン',
    token_note: '報告には、このサーバーの管理者が発行したトークン（callsift token new）が必要です。このタブの中だけに保存されます。',
    report_button: '報告する',
    campaigns_title: 'キャンペーン',
    campaigns_lead: '同じ文面が多くの番号から送られています。番号を変えながら同じグループが送っているものです。',
    campaigns_empty: 'まだキャンペーンは見つかっていません。',
    campaign_numbers: '送ってきた番号',
    stats_title: '統計',
    chart_hours: '1時間ごとの判定数（直近24時間）',
    chart_signals: 'よく検出された理由', chart_reported: '報告の多い番号',
    footer: '迷ったら電話を切り、その組織の公式サイトに載っている番号にご自身でかけ直してください。暗証番号・カード・認証コードは電話で伝えないでください。警察相談専用電話 #9110、消費者ホットライン 188。',
    score: 'スコア', f_number: '番号', f_national: '国内表記',
    f_type: '種類', f_country: '国・地域', f_where: '地域', f_carrier: '事業者',
    f_what: 'どんな番号か', f_valid: '割り当て済みの番号帯',
    yes: 'はい', no: 'いいえ',
    no_reports: 'この番号の報告はまだありません。',
    rep_summary: (n) => `${n}人がこの番号を報告しています。`,
    claims: '名乗っている組織', evidence: '根拠',
    report_ok: '報告を受け付けました。ありがとうございます。',
    report_dup: 'この番号はすでに報告済みです（1人1回として数えます）。',
    need_token: 'アクセストークンを入力してください。',
    err_network: 'サーバーに接続できませんでした。',
    campaign_meta: (c) => `${c.numbers}件の番号・${c.events}件のメッセージ・最終確認 ${fmtDate(c.last_seen)}`,
    campaign: 'キャンペーン', store_line: (s) => `保存件数：報告 ${s.reports}件、リスト ${s.lists}件、キャンペーン ${s.campaigns}件`,
    no_data: 'まだデータがありません。', lang_attr: 'ja',
    types: {}
  }
};

const ACTIONS = ['allow', 'label', 'warn', 'block'];
const COLORS = { allow: '#1a7f37', label: '#8a6d00', warn: '#c2410c', block: '#b91c1c' };
const SVG = 'http://www.w3.org/2000/svg';

let lang = pickLang();
let last = null; /* the last lookup, to redraw on a language switch */

function pickLang() {
  let saved = null;
  try { saved = localStorage.getItem('callsift-lang'); } catch (e) { /* private mode */ }
  if (saved === 'ja' || saved === 'en') return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

function t(key, arg) {
  const v = T[lang][key];
  return typeof v === 'function' ? v(arg) : (v !== undefined ? v : key);
}

function $(id) { return document.getElementById(id); }

/* el('li', {class: 'x'}, 'text', child): text children become text nodes. */
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) {
    if (k === null || k === undefined) continue;
    e.append(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
  }
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function fmtDate(sec) {
  if (!sec) return '—';
  return new Date(sec * 1000).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB',
    { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function pick(obj) {
  if (obj === null || obj === undefined) return '';
  if (typeof obj === 'string') return obj;
  return obj[lang] || obj.en || obj.ja || '';
}

function applyLang() {
  document.documentElement.lang = t('lang_attr');
  for (const node of document.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.getAttribute('data-i18n'));
  }
  $('lang-ja').setAttribute('aria-pressed', String(lang === 'ja'));
  $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
  if (last) renderLookup(last);
}

function setLang(l) {
  lang = l;
  try { localStorage.setItem('callsift-lang', l); } catch (e) { /* ignore */ }
  applyLang();
  route();
}

async function api(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['Authorization'] = 'Bearer ' + token;
  const r = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit'
  });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return { status: r.status, data };
}

/* ---- look up ----------------------------------------------------- */

async function lookup(number, text, sms) {
  const err = $('lookup-error');
  err.hidden = true;
  try {
    const info = await api('GET', '/v1/numbers/' + encodeURIComponent(number));
    if (info.status !== 200) throw new Error(info.data && info.data.error ? info.data.error.message : 'HTTP ' + info.status);
    let verdict = info.data;
    if (text) {
      const path = sms ? '/v1/messages/check' : '/v1/calls/check';
      const chk = await api('POST', path, { from: number, text });
      if (chk.status !== 200) throw new Error(chk.data && chk.data.error ? chk.data.error.message : 'HTTP ' + chk.status);
      verdict = chk.data;
    }
    last = { info: info.data, verdict, number };
    renderLookup(last);
  } catch (e) {
    $('result').hidden = true;
    err.textContent = e && e.message ? e.message : t('err_network');
    err.hidden = false;
  }
}

function renderLookup(st) {
  const v = st.verdict, info = st.info;
  $('result').hidden = false;
  const box = $('verdict');
  box.className = 'verdict ' + (ACTIONS.includes(v.action) ? v.action : '');
  box.setAttribute('data-action', v.action);
  $('verdict-words').textContent = pick(v.words);
  const other = lang === 'ja' ? v.words.en : v.words.ja;
  let sub = `${other} · ${t('score')} ${Number(v.score).toFixed(1)}`;
  if (v.org && v.org.id) sub += ` · ${t('claims')}: ${pick(v.org.name)}`;
  $('verdict-sub').textContent = sub;

  const adv = $('advice');
  clear(adv);
  (v.advice || []).forEach((a, i) => {
    const id = 'adv-' + i;
    adv.append(el('li', { 'data-advice': a.id },
      el('input', { type: 'checkbox', id }),
      el('label', { for: id, class: 'adv-text' }, pick(a))));
  });
  const oc = $('org-contact');
  if (v.org && v.org.id && v.org.contact) {
    oc.textContent = pick(v.org.contact);
    oc.hidden = false;
  } else {
    oc.hidden = true;
  }

  const sigs = $('signals');
  clear(sigs);
  for (const s of v.signals || []) {
    const w = Number(s.weight);
    sigs.append(el('li', { 'data-signal': s.name },
      el('div', null,
        el('span', { class: 'sig-weight ' + (w >= 0 ? 'up' : 'down') }, (w >= 0 ? '+' : '') + w.toFixed(1)),
        pick(s.reason)),
      s.evidence ? el('div', { class: 'evidence' }, `${t('evidence')}: ${s.evidence}`) : null,
      el('div', { class: 'sig-name' }, s.name)));
  }
  $('no-signals').hidden = (v.signals || []).length > 0;

  const n = info.number || {};
  const facts = $('number-facts');
  clear(facts);
  const row = (k, val) => {
    if (val === null || val === undefined || val === '') return;
    facts.append(el('dt', null, t(k)), el('dd', null, String(val)));
  };
  row('f_what', pick(n.description));
  row('f_number', n.international_format || info.input);
  row('f_national', n.national_format);
  row('f_type', n.type);
  row('f_country', n.region);
  row('f_where', pick(n.geography));
  row('f_carrier', n.carrier);
  if (n.status === 'ok') row('f_valid', n.valid ? t('yes') : t('no'));

  const reps = $('reports');
  clear(reps);
  const list = info.reports || [];
  const rep = info.reputation;
  $('rep-summary').textContent = rep && rep.reporters > 0 ? t('rep_summary', rep.reporters)
    : (list.length ? '' : t('no_reports'));
  for (const r of list) {
    reps.append(el('li', { 'data-report': String(r.id) },
      el('div', null,
        el('span', { class: 'badge ' + r.category }, t('cat_' + r.category)),
        el('span', { class: 'when' }, fmtDate(r.time))),
      r.comment ? el('div', { class: 'comment' }, r.comment) : null));
  }
  if (!$('r-number').value) $('r-number').value = st.number;
}

/* ---- report ------------------------------------------------------ */

async function sendReport(ev) {
  ev.preventDefault();
  const msg = $('report-msg');
  const token = $('r-token').value.trim();
  msg.className = 'msg';
  if (!token) {
    msg.textContent = t('need_token');
    msg.className = 'msg error';
    return;
  }
  try { sessionStorage.setItem('callsift-token', token); } catch (e) { /* ignore */ }
  const body = { number: $('r-number').value.trim(), category: $('r-category').value };
  const c = $('r-comment').value;
  if (c.trim()) body.comment = c;
  const btn = ev.submitter || document.querySelector('#report-form button');
  btn.disabled = true;
  try {
    const r = await api('POST', '/v1/reports', body, token);
    if (r.status === 201) {
      msg.textContent = r.data.added ? t('report_ok') : t('report_dup');
      msg.className = 'msg ok';
      $('r-comment').value = '';
      const q = $('r-number').value.trim();
      $('q').value = q;
      await lookup(q, $('text').value.trim(), $('is-sms').checked);
    } else {
      msg.textContent = r.data && r.data.error ? r.data.error.message : 'HTTP ' + r.status;
      msg.className = 'msg error';
    }
  } catch (e) {
    msg.textContent = t('err_network');
    msg.className = 'msg error';
  } finally {
    btn.disabled = false;
  }
}

/* ---- campaigns --------------------------------------------------- */

async function showCampaigns() {
  const list = $('campaign-list');
  clear(list);
  $('campaign-detail').hidden = true;
  const r = await api('GET', '/v1/campaigns?limit=100');
  const cs = r.status === 200 && r.data ? r.data.campaigns : [];
  $('campaigns-empty').hidden = cs.length > 0;
  for (const c of cs) {
    const b = el('button', { type: 'button', class: 'campaign', 'data-campaign': String(c.id) },
      el('span', { class: 'sample' }, c.sample || ''),
      el('span', { class: 'meta' }, `#${c.id} · ` + t('campaign_meta', c)));
    b.addEventListener('click', () => showCampaign(c.id));
    list.append(b);
  }
}

async function showCampaign(id) {
  const r = await api('GET', '/v1/campaigns/' + encodeURIComponent(id));
  if (r.status !== 200) return;
  const c = r.data.campaign;
  $('campaign-detail').hidden = false;
  $('campaign-detail-title').textContent = `${t('campaign')} #${c.id}`;
  $('campaign-sample').textContent = c.sample || '';
  const ul = $('campaign-numbers');
  clear(ul);
  for (const n of r.data.numbers || []) {
    const a = el('a', { href: '#/?q=' + encodeURIComponent(n.number) }, n.number);
    ul.append(el('li', null, a, ' ', el('span', { class: 'note' }, fmtDate(n.first_seen))));
  }
  $('campaign-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/* ---- statistics (inline SVG) ------------------------------------- */

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/* Charts are drawn at the width they are shown at (1 unit = 1 CSS pixel),
 * so their labels stay readable on a phone. */
function hoursChart(hours, width) {
  const W = Math.max(300, Math.min(1000, width)), H = W < 500 ? 200 : 240;
  const L = 40, B = 28, top = 10, every = W < 500 ? 6 : 3;
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chart_hours') });
  const totals = hours.map((h) => ACTIONS.reduce((a, k) => a + h[k], 0));
  /* A round top so the four grid lines carry whole numbers. */
  let max = Math.max(4, ...totals);
  const step = Math.pow(10, Math.floor(Math.log10(max / 4)));
  max = Math.ceil(max / (4 * step)) * 4 * step;
  const bw = (W - L - 10) / hours.length;
  for (let i = 0; i <= 4; i++) {
    const y = top + (H - B - top) * (1 - i / 4);
    s.append(svg('line', { x1: L, x2: W - 10, y1: y, y2: y, stroke: '#e5e7eb' }));
    s.append(svg('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round(max * i / 4))));
  }
  hours.forEach((h, i) => {
    let y = H - B;
    for (const k of ACTIONS) {
      const hh = (H - B - top) * h[k] / max;
      if (hh > 0) {
        s.append(svg('rect', { x: L + i * bw + 2, y: y - hh, width: Math.max(1, bw - 4), height: hh, fill: COLORS[k] }));
        y -= hh;
      }
    }
    if (i % every === 0 || i === hours.length - 1) {
      const d = new Date(h.hour * 1000);
      s.append(svg('text', { x: L + i * bw + bw / 2, y: H - 8, 'text-anchor': 'middle' },
        String(d.getHours()).padStart(2, '0') + ':00'));
    }
  });
  return s;
}

function barsChart(rows, label, width) {
  const W = Math.max(300, Math.min(700, width)), row = 26;
  const L = Math.min(210, Math.round(W * 0.5)), H = Math.max(1, rows.length) * row + 8;
  const maxChars = Math.floor((L - 10) / 7.8);
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
  const max = Math.max(1, ...rows.map((r) => r.value));
  rows.forEach((r, i) => {
    const y = 4 + i * row;
    const w = (W - L - 50) * r.value / max;
    s.append(svg('text', { x: L - 8, y: y + 16, 'text-anchor': 'end', class: 'bar-label' },
      r.name.length > maxChars ? r.name.slice(0, maxChars - 1) + '…' : r.name));
    s.append(svg('rect', { x: L, y: y + 3, width: Math.max(2, w), height: row - 8, rx: 3, fill: '#0b5cad' }));
    s.append(svg('text', { x: L + w + 6, y: y + 16 }, String(r.value)));
  });
  return s;
}

async function showStats() {
  const r = await api('GET', '/v1/stats');
  if (r.status !== 200 || !r.data) return;
  const d = r.data;
  const ch = $('chart-hours');
  clear(ch);
  ch.append(hoursChart(d.hours || [], ch.clientWidth));
  const lg = $('legend-hours');
  clear(lg);
  const words = { ja: ['問題なし', '注意', '警告', '詐欺の可能性大'], en: ['Allow', 'Caution', 'Warning', 'Likely scam'] };
  ACTIONS.forEach((a, i) => lg.append(el('span', { class: a }, `${words[lang][i]} (${d.checks[a]})`)));
  const cs = $('chart-signals');
  clear(cs);
  const sig = (d.top_signals || []).map((x) => ({ name: x.name, value: x.count }));
  cs.append(sig.length ? barsChart(sig, t('chart_signals'), cs.clientWidth) : el('p', { class: 'note' }, t('no_data')));
  const cr = $('chart-reported');
  clear(cr);
  const rep = (d.most_reported || []).slice(0, 10).map((x) => ({ name: x.number, value: x.reporters }));
  cr.append(rep.length ? barsChart(rep, t('chart_reported'), cr.clientWidth) : el('p', { class: 'note' }, t('no_data')));
  $('stats-store').textContent = d.store ? t('store_line', d.store) : '';
}

/* ---- routing ----------------------------------------------------- */

function route() {
  const h = location.hash || '#/';
  const page = h.startsWith('#/campaigns') ? 'campaigns' : h.startsWith('#/stats') ? 'stats' : 'lookup';
  for (const p of ['lookup', 'campaigns', 'stats']) $('page-' + p).hidden = p !== page;
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.getAttribute('data-nav') === page);
  }
  if (page === 'campaigns') showCampaigns();
  if (page === 'stats') showStats();
  if (page === 'lookup') {
    const m = h.match(/[?&]q=([^&]*)/);
    if (m) {
      const q = decodeURIComponent(m[1]);
      if ($('q').value !== q || !last) {
        $('q').value = q;
        lookup(q, '', false);
      }
    }
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('lang-ja').addEventListener('click', () => setLang('ja'));
  $('lang-en').addEventListener('click', () => setLang('en'));
  $('lookup-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('q').value.trim();
    if (!q) return;
    $('r-number').value = q;
    $('report-msg').textContent = '';
    lookup(q, $('text').value.trim(), $('is-sms').checked);
  });
  $('report-form').addEventListener('submit', sendReport);
  try {
    const tok = sessionStorage.getItem('callsift-token');
    if (tok) $('r-token').value = tok;
  } catch (e) { /* ignore */ }
  window.addEventListener('hashchange', route);
  applyLang();
  route();
});
