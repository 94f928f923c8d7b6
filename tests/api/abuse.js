/*
 * tests/api/abuse.js - clients that misbehave, against a running server
 * (BASE): a 1 MB header, 5,000 idle connections, clients sending one byte
 * a second, and what a well-behaved keep-alive client sees meanwhile
 * (issue 5 §7). Plain node, no packages. Prints TAP lines from START (the
 * caller's count) and "# next N" for the caller to go on.
 *
 * The flood comes from 127.0.0.2 and the slow clients from 127.0.0.3 (all
 * of 127/8 is loopback on Linux), so the per-address limits apply to them
 * and not to the good client on 127.0.0.1.
 */
'use strict';
const net = require('net');
const http = require('http');

const url = new URL(process.env.BASE);
const PORT = Number(url.port);
const TIMEOUT = Number(process.env.SERVER_TIMEOUT || 3);
const IDLE = Number(process.env.IDLE_CONNS || 5000);
/* The latency target is p99 <= 5 ms (issue 5 §6) for the plain build;
 * the sanitized build the suite runs by default is several times slower,
 * so the caller passes its bound (api.sh: 25 ms under ASan). */
const P99 = Number(process.env.P99_MS || 5);
let n = Number(process.env.START || 0), failed = 0;

function ok(cond, name, detail) {
  n++;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined) console.log('# ' + String(detail));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const BODY = JSON.stringify({
  from: '+1(877)643-0291', to: '090-1234-5678',
  text: 'NTTファイナンスより重要なお知らせがございます。ダイヤル1番を押してください。'
});

/* n sequential checks on one kept-alive connection: latencies in ms. */
async function keepAliveLatencies(count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lat = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const status = await new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: PORT, path: '/v1/calls/check',
        method: 'POST', agent, headers: { 'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(BODY) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', () => resolve(0));
      req.setTimeout(2000, () => { req.destroy(); });
      req.end(BODY);
    });
    if (status !== 200) errors++;
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { p50: q(0.5), p99: q(0.99), errors };
}

function rawRequest(host, data, waitMs) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: PORT, localAddress: host });
    let got = '';
    const done = (why) => { s.destroy(); resolve({ got, why }); };
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('end', () => done('end'));
    s.on('error', (e) => done('error ' + e.code));
    s.setTimeout(waitMs, () => done('timeout'));
    s.on('connect', () => s.write(data));
  });
}

async function main() {
  /* 0. Baseline: sub-millisecond on a kept-alive connection (no Nagle
   * wait between header and body). */
  const base = await keepAliveLatencies(300);
  ok(base.errors === 0 && base.p50 < 1.0,
    `keep-alive: p50 ${base.p50.toFixed(3)} ms < 1 ms (p99 ${base.p99.toFixed(3)} ms)`, JSON.stringify(base));

  /* 1. A 1 MB header: 431 (or cut), and the server lives on. */
  const big = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(1 << 20) + '\r\n\r\n';
  const r1 = await rawRequest('127.0.0.1', big, 5000);
  ok(/^HTTP\/1\.1 431/.test(r1.got) || r1.got === '',
    '1 MB header: 431 or cut off', (r1.got.split('\r\n')[0] || '') + ' / ' + r1.why);
  const after = await keepAliveLatencies(20);
  ok(after.errors === 0, '1 MB header: others still answered');

  /* 2. Slow clients: one byte a second; cut after the timeout. */
  const slow = [];
  const slowReq = 'POST /v1/calls/check HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789';
  for (let i = 0; i < 20; i++) {
    slow.push(new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: PORT, localAddress: '127.0.0.3' });
      let i2 = 0, closedAt = null;
      const t0 = Date.now();
      const timer = setInterval(() => {
        if (i2 < slowReq.length) s.write(slowReq[i2++]);
      }, 1000);
      const fin = () => { if (closedAt === null) { closedAt = Date.now() - t0; clearInterval(timer); resolve(closedAt); } };
      s.on('close', fin);
      s.on('error', fin);
      s.on('data', () => {});
      setTimeout(() => { s.destroy(); }, (TIMEOUT + 8) * 1000);
    }));
  }
  const during = await keepAliveLatencies(200);
  const closed = await Promise.all(slow);
  const worst = Math.max(...closed);
  ok(worst <= (TIMEOUT + 2) * 1000,
    `one byte a second: all 20 cut within ${TIMEOUT + 2} s (worst ${(worst / 1000).toFixed(1)} s)`, closed.join(','));
  ok(during.errors === 0 && during.p99 < P99,
    `one byte a second: others answered, p99 ${during.p99.toFixed(2)} ms < ${P99} ms`, JSON.stringify(during));

  /* 3. 5,000 idle connections, then a good client. */
  const idle = [];
  let refused = 0;
  for (let i = 0; i < IDLE; i++) {
    idle.push(new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: PORT, localAddress: '127.0.0.2' });
      s.on('connect', () => resolve(s));
      s.on('error', () => { refused++; resolve(null); });
    }));
    if (i % 500 === 499) await sleep(20);
  }
  const socks = (await Promise.all(idle)).filter(Boolean);
  await sleep(300);
  const withIdle = await keepAliveLatencies(300);
  ok(withIdle.errors === 0 && withIdle.p99 < P99,
    `${socks.length} idle connections open: others answered, p50 ${withIdle.p50.toFixed(3)} ms p99 ${withIdle.p99.toFixed(2)} ms < ${P99} ms`,
    JSON.stringify(withIdle));
  /* The idle ones are closed by the server after its timeout. */
  const closedIdle = await Promise.all(socks.map((s) => new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    s.on('close', () => resolve(true));
    s.on('error', () => resolve(true));
    setTimeout(() => resolve(false), (TIMEOUT + 4) * 1000);
  })));
  const stillOpen = closedIdle.filter((x) => !x).length;
  ok(stillOpen === 0, `idle connections closed by the server after ${TIMEOUT} s (${stillOpen} left open)`);
  for (const s of socks) s.destroy();

  console.log(`# next ${n}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { ok(false, 'abuse run', e.stack); console.log(`# next ${n}`); process.exit(1); });
