/**
 * What a person sees on the page: the text of visible elements (and of visually hidden ones, which
 * screen readers read), plus labels shown or read without being text nodes (placeholders,
 * aria-labels, titles, alt texts) and the document title.
 *
 * The in-page code is a string: the project's type-check has no DOM library, and tsx would wrap
 * functions in helpers that do not exist inside the page.
 */
import type { Page } from 'playwright-core';

const VISIBLE_TEXTS = `(() => {
  const out = [];
  const shown = (el) =>
    el.closest('.visually-hidden') !== null ||
    el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent || '').replace(/\\s+/g, ' ').trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest('script, style, noscript')) continue;
    // Options count when their select is shown; a datalist's suggestions only appear while typing.
    const select = parent instanceof HTMLOptionElement ? parent.closest('select') : null;
    if (parent instanceof HTMLOptionElement ? select !== null && shown(select) : shown(parent)) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    if (!shown(el)) continue;
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = (el.getAttribute(attr) || '').trim();
      if (value) out.push(value);
    }
  }
  out.push(document.title);
  return out;
})()`;

export function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(VISIBLE_TEXTS);
}

/** Navigation timing of the current document, in milliseconds from navigation start. */
export function navigationTiming(
  page: Page,
): Promise<{ domContentLoaded: number; load: number; firstContentfulPaint: number | null }> {
  return page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      load: Math.round(nav.loadEventEnd),
      firstContentfulPaint: fcp ? Math.round(fcp.startTime) : null,
    };
  })()`);
}
