import { describe, expect, it } from 'vitest';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

describe('browser shell', () => {
  it('creates a map from the home page and opens it as facilitator', async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(suite.server.url);
    await page.getByLabel('Title').fill('Our area <b>map</b>');
    await page.getByLabel('Start from').selectOption('women-services');
    await page.getByRole('button', { name: 'Create map' }).click();
    await page.waitForURL(/\/map\/[^/]+#token=/);
    await page.getByTestId('display-name').fill('Fran');
    await page.getByTestId('join').click();
    await expect.poll(() => page.getByTestId('factor').count(), { timeout: 20_000 }).toBe(40);
    // Labels are text, never HTML.
    await expect.poll(() => page.locator('.topbar__title').textContent()).toBe('Our area <b>map</b>');
    await expect.poll(() => page.locator('.pill--role').textContent()).toBe('Facilitator');
    // The home page lists the map as a recent map of this suite.browser.
    await page.goto(suite.server.url);
    await expect.poll(() => page.locator('.recent a').first().textContent()).toBe('Our area <b>map</b>');
    await context.close();
  });

  it('two people on the same link: a factor and a link added in one appear in the other', async () => {
    const map = await createMap(suite.server.url, { title: 'Shared' });
    const alicePerson = await suite.join(map.links.editor, 'Alice');
    const bobPerson = await suite.join(map.links.editor, 'Bob');
    const alice = alicePerson.page;
    const bob = bobPerson.page;

    await addFactor(alice, 'Short-term funding');
    await expect.poll(() => bob.getByTestId('factor').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('Short-term funding')]);

    await addFactor(bob, 'Staff turnover');
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

    expect(alicePerson.errors).toEqual([]);
    expect(bobPerson.errors).toEqual([]);
    await alicePerson.context.close();
    await bobPerson.context.close();
  });

  it('a viewer sees the map but cannot add to it', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const { page: viewer } = await suite.join(map.links.viewer, 'Val');
    await expect.poll(() => viewer.getByTestId('factor').count(), { timeout: 20_000 }).toBe(40);
    await expect.poll(() => viewer.locator('.pill--role').textContent()).toBe('View only');
    expect(await viewer.getByTestId('add-factor').count()).toBe(0);
    await viewer.context().close();
  });

  it('a link with a wrong token says so in words', async () => {
    const map = await createMap(suite.server.url);
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/map/${map.id}#token=not-the-token`);
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toContain('not valid');
    await context.close();
  });
});
