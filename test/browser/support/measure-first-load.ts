/**
 * Measures the cold first load of the built web app from the all-in-one server (docs/web.md):
 * each run launches Chromium with a fresh profile (empty cache), opens the product's root URL and
 * waits until the sign-in page is on screen. Prints each run and the median.
 *
 *   node --import tsx test/browser/support/measure-first-load.ts [runs]
 */
import { ensureWebBuilt } from '../../../scripts/web-build.ts';
import { startTestApp } from '../../support/test-app.ts';
import { launchBrowser } from './browser.ts';
import { navigationTiming } from './visible-text.ts';

const runs = Number(process.argv[2] ?? 7);
ensureWebBuilt({ quiet: true });
const app = await startTestApp();
const results: { timeToSignInMs: number; domContentLoaded: number; load: number; fcp: number | null }[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await launchBrowser();
    try {
      const started = performance.now();
      await browser.page.goto(`${app.url}/`);
      await browser.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      const timeToSignInMs = Math.round(performance.now() - started);
      const t = await navigationTiming(browser.page);
      results.push({
        timeToSignInMs,
        domContentLoaded: t.domContentLoaded,
        load: t.load,
        fcp: t.firstContentfulPaint,
      });
      if (browser.problems.length > 0) console.warn(browser.problems.join('\n'));
    } finally {
      await browser.close();
    }
  }
} finally {
  await app.stop();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.table(results);
console.log(
  JSON.stringify({
    runs,
    medianTimeToSignInMs: median(results.map((r) => r.timeToSignInMs)),
    medianDomContentLoadedMs: median(results.map((r) => r.domContentLoaded)),
    medianLoadMs: median(results.map((r) => r.load)),
    medianFirstContentfulPaintMs: median(results.map((r) => r.fcp ?? Number.NaN)),
  }),
);
