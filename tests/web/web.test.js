/*
 * tests/web/web.test.js - the page in a real browser (issue 5 §5): Debian
 * chromium driven by playwright-core. Prints TAP. Started by web.sh, which
 * runs the server and passes BASE, TOKEN and ARTIFACTS.
 */
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASE = process.env.BASE;
const TOKEN = process.env.TOKEN;
const ART = process.env.ARTIFACTS || 'tests/artifacts';
const SEED_NUMBER = '+1(877)643-0291';
const SEED_VOICEMAIL = 'NTTファイナンスより重要なお知らせがございます。' +
  'オペレーターへお繋ぎいたしますので、ダイヤル1番を押してください。';

let n = 0, failed = 0;
function ok(cond, name, detail) {
  n++;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined) console.log('# ' + String(detail).split('\n').join('\n# '));
  }
}

async function main() {
  fs.mkdirSync(ART, { recursive: true });
  /* A fresh profile per context: playwright takes it as
   * launchPersistentContext's folder (it refuses --user-data-dir). */
  const profiles = [];
  const launch = (opts) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callsift-chromium-'));
    profiles.push(dir);
    return chromium.launchPersistentContext(dir, Object.assign({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync']
    }, opts));
  };
  const problems = [];
  const dialogs = [];
  const ctx = await launch({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.setDefaultTimeout(10000);

  try {
    /* 1. The page loads with its security headers. */
    const resp = await page.goto(BASE + '/');
    const csp = resp.headers()['content-security-policy'] || '';
    ok(resp.status() === 200 && csp.includes("default-src 'self'"),
      'page: 200 with Content-Security-Policy default-src self', csp);
    ok(await page.locator('html').getAttribute('lang') === 'en',
      'page: English by default for an en-US browser');

    /* 2. The seed's number: a scam verdict with advice. */
    await page.fill('#q', SEED_NUMBER);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden])');
    const action = await page.getAttribute('#verdict', 'data-action');
    const words = await page.textContent('#verdict-words');
    ok(action === 'warn' || action === 'block', 'lookup seed number: warn or block', action);
    ok(/scam/i.test(words), 'lookup seed number: verdict words say scam', words);
    const nAdvice = await page.locator('#advice li').count();
    ok(nAdvice >= 2, 'lookup seed number: advice checklist shown', nAdvice);
    const sigs = await page.locator('#signals li[data-signal=NUMBER_FOREIGN_TOLL_FREE]').count();
    ok(sigs === 1, 'lookup seed number: the foreign toll-free signal with its reason');
    const facts = await page.textContent('#number-facts');
    ok(facts.includes('+1 877-643-0291') && /toll-free/i.test(facts),
      'lookup seed number: the number explained', facts);
    await page.screenshot({ path: path.join(ART, 'web-lookup-desktop.png'), fullPage: true });

    /* 3. The seed's voicemail: block, with "do not press". */
    await page.click('#text-box summary');
    await page.fill('#text', SEED_VOICEMAIL);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#signals li[data-signal=TEXT_PRESS_DIGIT]');
    ok(await page.getAttribute('#verdict', 'data-action') === 'block',
      'voicemail pasted: block');
    ok(await page.locator('#advice li[data-advice=dont_press]').count() === 1,
      'voicemail pasted: advice says do not press a key');

    /* 4. Japanese switch. */
    await page.click('#lang-ja');
    const ja = await page.textContent('#verdict-words');
    ok(ja.includes('詐欺の可能性が高い'), 'ja switch: 詐欺の可能性が高い', ja);
    ok(await page.locator('html').getAttribute('lang') === 'ja', 'ja switch: html lang=ja');
    await page.click('#lang-en');

    /* 5. Report a number and see it listed; a hostile comment is text. */
    const reportNumber = '050-3000-' + String(1000 + (process.pid % 9000));
    const hostile = '<script>alert("xss-script")</script><img src=x onerror="alert(\'xss-img\')">';
    await page.fill('#text', '');
    await page.fill('#q', reportNumber);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#result:not([hidden])');
    await page.fill('#r-number', reportNumber);
    await page.selectOption('#r-category', 'scam');
    await page.fill('#r-comment', hostile);
    await page.fill('#r-token', TOKEN);
    await page.click('#report-form button[type=submit]');
    await page.waitForSelector('#report-msg.ok');
    await page.waitForSelector('#reports li .comment');
    const shown = await page.locator('#reports li .comment').first().textContent();
    ok(shown === hostile, 'report: listed, comment shown literally as text', shown);
    ok(await page.locator('#reports img').count() === 0 &&
       await page.locator('#reports script').count() === 0,
      'report: no element was made from the comment');
    await page.waitForTimeout(300);
    ok(dialogs.length === 0, 'report: no dialog fired (nothing ran)', dialogs.join(', '));
    ok(await page.evaluate(() => sessionStorage.getItem('callsift-token')) === TOKEN,
      'report: the token is kept in sessionStorage only');
    const rep = await page.textContent('#rep-summary');
    ok(/1 person/.test(rep), 'report: reputation counts the reporter', rep);

    /* 6. A report without a token is refused with a message. */
    await page.fill('#r-token', '');
    await page.click('#report-form button[type=submit]');
    ok((await page.textContent('#report-msg')).length > 0 &&
       (await page.getAttribute('#report-msg', 'class')).includes('error'),
      'report without a token: refused on the page');

    /* 7. Campaigns and statistics pages, desktop and phone. */
    await page.goto(BASE + '/#/campaigns');
    await page.waitForSelector('#page-campaigns:not([hidden])');
    await page.waitForSelector('#campaign-list .campaign');
    // Two waves: the SMS from four numbers (recorded first) and the
    // voicemail from three (checked through the server after it). The
    // most recently seen comes first.
    const samples = await page.locator('#campaign-list .campaign .sample').allTextContents();
    ok(samples.length === 2 && samples[0].includes('ダイヤル1番') && samples[1].includes('お支払い確認'),
      'campaigns page: the waves with their messages, the latest first', samples.join(' | '));
    await page.locator('#campaign-list .campaign', { hasText: 'お支払い確認' }).click();
    await page.waitForSelector('#campaign-detail:not([hidden]) #campaign-numbers li');
    const nNumbers = await page.locator('#campaign-numbers li').count();
    ok(nNumbers === 4, 'campaigns page: the numbers that sent it', nNumbers);
    await page.screenshot({ path: path.join(ART, 'web-campaigns-desktop.png'), fullPage: true });
    await page.goto(BASE + '/#/stats');
    await page.waitForSelector('#chart-hours svg');
    const bars = await page.locator('#chart-hours svg rect').count();
    ok(bars >= 1, 'stats page: checks per hour drawn as inline SVG', bars);
    ok(await page.locator('#chart-signals svg rect').count() >= 1, 'stats page: top signals chart');
    ok(await page.locator('#chart-reported svg rect').count() >= 1, 'stats page: most reported chart');
    await page.screenshot({ path: path.join(ART, 'web-stats-desktop.png'), fullPage: true });

    const phone = await launch({ viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'ja-JP' });
    const pp = phone.pages()[0] || await phone.newPage();
    pp.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    pp.on('pageerror', (e) => problems.push('phone pageerror: ' + e.message));
    await pp.goto(BASE + '/#/?q=' + encodeURIComponent(SEED_NUMBER));
    await pp.waitForSelector('#result:not([hidden])');
    ok((await pp.locator('html').getAttribute('lang')) === 'ja', 'phone: Japanese for a ja-JP browser');
    const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 0, 'phone: no sideways scrolling', overflow);
    await pp.screenshot({ path: path.join(ART, 'web-lookup-phone.png'), fullPage: true });
    await pp.goto(BASE + '/#/campaigns');
    await pp.waitForSelector('#campaign-list .campaign');
    await pp.screenshot({ path: path.join(ART, 'web-campaigns-phone.png'), fullPage: true });
    await pp.goto(BASE + '/#/stats');
    await pp.waitForSelector('#chart-hours svg');
    await pp.screenshot({ path: path.join(ART, 'web-stats-phone.png'), fullPage: true });
    await phone.close();

    ok(problems.length === 0, 'no page errors or console errors (CSP violations included)',
      problems.join('\n'));
  } catch (e) {
    ok(false, 'browser run', e && e.stack ? e.stack : e);
  } finally {
    await ctx.close();
    for (const dir of profiles) fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

main();
