import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors the page threw. */
  errors: string[];
}

/** One browser context per simulated person, joined with a display name. */
export async function joinAs(
  browser: Browser,
  link: string,
  name: string,
  options: { waitConnected?: boolean; viewport?: { width: number; height: number }; touch?: boolean } = {},
): Promise<Person> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  // The last pointer position, for the failure state (e2e.ts): a view once panned far off while a
  // link was held, which needs the pointer at the canvas's edge.
  await context.addInitScript(() => {
    addEventListener('pointermove', (event) => {
      const { clientX, clientY } = event as PointerEvent;
      document.documentElement.setAttribute('data-last-pointer', `${clientX},${clientY}`);
    }, true);
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(link);
  await page.getByTestId('display-name').fill(name);
  await page.getByTestId('join').click();
  if (options.waitConnected !== false) await waitConnected(page);
  return { name, context, page, errors };
}

export async function waitConnected(page: Page, timeout = 20_000): Promise<void> {
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout });
}

/** Adds a factor through the toolbar and names it in place on the canvas, as a person would. */
export async function addFactor(page: Page, label: string): Promise<void> {
  await page.getByTestId('add-factor').click();
  const input = page.getByTestId('factor-label-editor');
  await input.fill(label);
  await input.press('Enter');
  await page.locator('[data-testid="factor"] .factor__label', { hasText: label }).first().waitFor();
}

/** The factor on the canvas whose label is exactly `label`. */
export function factorNode(page: Page, label: string): Locator {
  return page.locator('.react-flow__node-factor', { has: page.locator('.factor__label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Draws a link with the mouse: from the arrow knob on one factor, dropped anywhere on the other. */
export async function dragLink(page: Page, from: string, to: string): Promise<void> {
  const source = factorNode(page, from);
  await source.hover();
  const knob = (await source.locator('.react-flow__handle-right').boundingBox())!;
  const target = (await factorNode(page, to).boundingBox())!;
  await page.mouse.move(knob.x + knob.width / 2, knob.y + knob.height / 2);
  await page.mouse.down();
  // Dropped near the top-left of the target, not its centre: the whole factor is the target.
  await page.mouse.move(target.x + target.width * 0.25, target.y + target.height * 0.4, { steps: 15 });
  await page.mouse.up();
}

/** Polarity signs on the canvas, as shown (+, −, ?). */
export async function polarities(page: Page): Promise<string[]> {
  return (await page.getByTestId('edge-polarity').allTextContents()).sort();
}

export async function factorLabels(page: Page): Promise<string[]> {
  const labels = await page.locator('[data-testid="factor"] .factor__label').allTextContents();
  return labels.sort();
}

/** The sentences of the text view ("A increases b, after a delay."), sorted. */
export async function textViewSentences(page: Page): Promise<string[]> {
  return (await page.getByTestId('textview-sentence').allTextContents()).sort();
}

/**
 * Waits until the view has stopped moving: the transform unchanged for 300 ms (at most 5 s). A view
 * brought round to something new glides there; a click aimed before the glide has begun lands
 * wherever the view has taken the target by then.
 */
export async function viewSettled(page: Page): Promise<void> {
  await page.locator('.react-flow__viewport').evaluate(async (element) => {
    const transform = () => (element as HTMLElement).style.transform;
    let last = transform();
    let since = performance.now();
    const until = since + 5_000;
    while (performance.now() < until) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = transform();
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since >= 300) return;
    }
    throw new Error('The view kept moving for 5 s.');
  });
}
