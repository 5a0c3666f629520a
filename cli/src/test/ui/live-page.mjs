// Usage: node live-page.mjs AGGREGATOR_URL SCREENSHOT.png TARGET[:VERDICT[:KIND]] ...
// Opens /ui in headless Chromium, waits until every named target's row shows (with the expected verdict
// and collapse kind when given) and a sparkline canvas, saves a screenshot, and prints the rows as JSON. Exit code 1 on failure.
import { chromium } from 'playwright-core';

const [url, shot, ...expected] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  // the API needs a reader token: the page takes it from its address fragment, as bin/pmc up prints it
  await page.goto(url + '/ui/' + (process.env.PMC_UI_TOKEN ? '#token=' + process.env.PMC_UI_TOKEN : ''), { waitUntil: 'load' });
  for (const e of expected) {
    const [target, verdict, kind] = e.split(':');
    const row = page.locator(`tr[data-target="${target}"]`);
    await row.waitFor({ timeout: 30000 });
    if (verdict) await row.locator('.verdict', { hasText: verdict }).waitFor({ timeout: 30000 });
    if (kind) await row.locator('.kind', { hasText: kind }).waitFor({ timeout: 30000 });
    await row.locator('.spark canvas').waitFor({ timeout: 30000 });
  }
  for (const e of expected) {
    const target = e.split(':')[0];
    await page.locator(`#trend-${target.replace(/\./g, '\\.')} canvas`).first().waitFor({ timeout: 30000 });
  }
  await page.waitForTimeout(2500); // one more live refresh
  // what each trend chart draws, read from the charts themselves (uPlot's data arrays), and the run ids behind them
  const trends = await page.evaluate(() => Object.fromEntries(Object.entries(window.pmcTrends).map(([t, charts]) => [t, {
    runIds: (window.pmcTrendData[t] || []).map(r => r.runId),
    x: charts.s ? charts.s.data[0] : [],
    ...Object.fromEntries(Object.entries(charts).map(([k, u]) => [k, { value: u.data[1], baseline: u.data[2], collapse: u.data[3], drift: u.data[4] }])),
  }])));
  const rows = await page.$$eval('#rows tr', trs => trs.map(tr => ({
    target: tr.dataset.target,
    verdict: tr.querySelector('.verdict')?.textContent,
    kind: tr.querySelector('.kind')?.textContent,
    score: tr.querySelector('.score')?.textContent,
    entropy: tr.querySelector('.entropy')?.textContent,
    s: tr.querySelector('.s')?.textContent,
    r: tr.querySelector('.r')?.textContent,
    rolling: tr.querySelector('.rolling')?.textContent,
    progress: tr.querySelector('.prog')?.textContent,
  })));
  await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({ rows, trends, errors, status: await page.textContent('#status') }));
  if (errors.length) code = 1;
} catch (e) {
  console.error(String(e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
