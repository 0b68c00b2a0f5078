import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors the page threw. */
  errors: string[];
}

/** One browser context per simulated person, joined with a display name. */
export async function joinAs(browser: Browser, link: string, name: string, options: { waitConnected?: boolean } = {}): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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

/** Adds a factor through the toolbar and names it. */
export async function addFactor(page: Page, label: string): Promise<void> {
  await page.getByTestId('add-factor').click();
  const input = page.getByTestId('factor-label-input');
  await input.fill(label);
  await input.press('Enter');
}

export async function factorLabels(page: Page): Promise<string[]> {
  const labels = await page.locator('[data-testid="factor"] .factor__label').allTextContents();
  return labels.sort();
}
