import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtAppDir, launchBrowser } from '../helpers/browser';
import { createMap, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ staticDir: builtAppDir() });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPerson(link: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(link);
  await page.getByTestId('connection-state').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 20_000 });
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

describe('browser shell', () => {
  it('creates a map from the home page and opens it as facilitator', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel('Title').fill('Our area <b>map</b>');
    await page.getByLabel('Start from').selectOption('women-services');
    await page.getByRole('button', { name: 'Create map' }).click();
    await page.waitForURL(/\/map\/[^/]+#token=/);
    await expect.poll(() => page.getByTestId('factor').count(), { timeout: 20_000 }).toBe(40);
    // Labels are text, never HTML.
    await expect.poll(() => page.locator('.topbar__title').textContent()).toBe('Our area <b>map</b>');
    await expect.poll(() => page.locator('.pill--role').textContent()).toBe('Facilitator');
    // The home page lists the map as a recent map of this browser.
    await page.goto(server.url);
    await expect.poll(() => page.locator('.recent a').first().textContent()).toBe('Our area <b>map</b>');
    await context.close();
  });

  it('two people on the same link: a factor and a link added in one appear in the other', async () => {
    const map = await createMap(server.url, { title: 'Shared' });
    const alice = await openPerson(map.links.editor);
    const bob = await openPerson(map.links.editor);

    await alice.getByTestId('add-factor').click();
    const label = alice.getByTestId('factor-label-input');
    await label.fill('Short-term funding');
    await label.press('Enter');
    await expect.poll(() => bob.getByTestId('factor').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('Short-term funding')]);

    await bob.getByTestId('add-factor').click();
    await bob.getByTestId('factor-label-input').fill('Staff turnover');
    await bob.getByTestId('factor-label-input').press('Enter');
    await expect.poll(() => alice.getByTestId('factor').count(), { timeout: 10_000 }).toBe(2);

    // Alice draws a link by dragging from one factor's handle to the other factor.
    const from = alice.locator('[data-factor-id]', { hasText: 'Short-term funding' }).locator('.react-flow__handle-right');
    const to = alice.locator('[data-factor-id]', { hasText: 'Staff turnover' });
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await alice.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await alice.mouse.down();
    await alice.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await alice.mouse.up();
    await expect.poll(() => bob.getByTestId('edge-polarity').allTextContents(), { timeout: 10_000 }).toEqual(['+']);

    expect(pageErrors(alice)).toEqual([]);
    expect(pageErrors(bob)).toEqual([]);
    await alice.context().close();
    await bob.context().close();
  });

  it('a viewer sees the map but cannot add to it', async () => {
    const map = await createMap(server.url, { template: 'women-services' });
    const viewer = await openPerson(map.links.viewer);
    await expect.poll(() => viewer.getByTestId('factor').count(), { timeout: 20_000 }).toBe(40);
    await expect.poll(() => viewer.locator('.pill--role').textContent()).toBe('View only');
    expect(await viewer.getByTestId('add-factor').count()).toBe(0);
    await viewer.context().close();
  });

  it('a link with a wrong token says so in words', async () => {
    const map = await createMap(server.url);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/map/${map.id}#token=not-the-token`);
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('not valid');
    await context.close();
  });
});
