import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor, factorLabels, waitConnected } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

const join = (link: string, name: string) => suite.join(link, name);

/** React Flow's current zoom, read from the viewport's transform. */
async function zoomOf(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  const match = /scale\(([\d.]+)\)/.exec(transform);
  if (!match) throw new Error(`no scale in ${transform}`);
  return Number(match[1]);
}

async function peopleNames(page: Page): Promise<string[]> {
  // The list is in the side panel's People tab.
  const tab = page.getByTestId('tab-people');
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  const names = await page.locator('[data-testid="people"] .person__name').allTextContents();
  return names.map((n) => n.replace(' (you)', '')).sort();
}

describe('live together', () => {
  it('shows who is here, with live cursors that vanish when someone leaves', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const alice = await join(map.links.facilitator, 'Alice');
    const bob = await join(map.links.editor, 'Bob');
    const cara = await join(map.links.viewer, 'Cara');
    for (const person of [alice, bob, cara]) {
      await expect.poll(() => peopleNames(person.page), { timeout: 10_000 }).toEqual(['Alice', 'Bob', 'Cara']);
    }
    // Roles come from the links, vouched for by the suite.server.
    await expect.poll(() => bob.page.locator('.person', { hasText: 'Cara' }).locator('.person__meta').textContent()).toContain('viewer');
    await expect.poll(() => bob.page.locator('.person', { hasText: 'Alice' }).locator('.person__meta').textContent()).toContain('facilitator');

    const pane = alice.page.locator('.react-flow__pane');
    const box = (await pane.boundingBox())!;
    await alice.page.mouse.move(box.x + 200, box.y + 150);
    await alice.page.mouse.move(box.x + 260, box.y + 180, { steps: 5 });
    await expect.poll(() => bob.page.getByTestId('remote-cursor').allTextContents(), { timeout: 10_000 }).toEqual(['Alice']);
    await expect.poll(() => cara.page.getByTestId('remote-cursor').allTextContents(), { timeout: 10_000 }).toEqual(['Alice']);

    // Selections show in the selector's colour, with their name.
    await alice.page.getByTestId('tab-details').click();
    await alice.page.locator('[data-factor-id="short_term_funding"]').click();
    await expect.poll(() => bob.page.locator('[data-factor-id="short_term_funding"]').getByTestId('remote-selection').textContent(), { timeout: 10_000 }).toBe('Alice');
    // Typing in a label tells the others.
    await alice.page.getByTestId('factor-label-input').focus();
    await expect.poll(() => bob.page.locator('[data-factor-id="short_term_funding"]').getByTestId('remote-editing').textContent(), { timeout: 10_000 }).toBe('Alice is editing this label');
    await alice.page.getByTestId('factor-label-input').press('Escape');
    await expect.poll(() => bob.page.getByTestId('remote-editing').count(), { timeout: 10_000 }).toBe(0);

    await alice.context.close();
    await expect.poll(() => peopleNames(bob.page), { timeout: 5_000 }).toEqual(['Bob', 'Cara']);
    await expect.poll(() => bob.page.getByTestId('remote-cursor').count(), { timeout: 5_000 }).toBe(0);
  });

  it('following a person and presenting move the followers\' views; panning steps out', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const fac = await join(map.links.facilitator, 'Fay');
    const bob = await join(map.links.editor, 'Bob');
    const cara = await join(map.links.editor, 'Cara');
    await expect.poll(() => peopleNames(bob.page), { timeout: 10_000 }).toEqual(['Bob', 'Cara', 'Fay']);

    // Bob follows Cara; Cara zooms in twice; Bob's zoom matches hers.
    await bob.page.locator('[data-testid="person"]', { hasText: 'Cara' }).click();
    await cara.page.locator('.react-flow__controls-zoomin').click();
    await cara.page.locator('.react-flow__controls-zoomin').click();
    const caraZoom = await zoomOf(cara.page);
    await expect.poll(() => zoomOf(bob.page), { timeout: 10_000 }).toBeCloseTo(caraZoom, 2);
    await expect.poll(() => bob.page.getByTestId('following-banner').textContent()).toContain('Following Cara');

    // A click on the canvas does not move the view, so Bob still follows.
    const pane = (await bob.page.locator('.react-flow__pane').boundingBox())!;
    await bob.page.mouse.click(pane.x + 10, pane.y + pane.height - 10);
    await bob.page.waitForTimeout(300);
    expect(await bob.page.getByTestId('following-banner').count()).toBe(1);

    // Bob zooms by hand: following stops, and Cara's next move does not move him.
    await bob.page.locator('.react-flow__pane').hover();
    await bob.page.mouse.wheel(0, 400);
    await expect.poll(() => bob.page.getByTestId('following-banner').count(), { timeout: 5_000 }).toBe(0);
    const bobZoom = await zoomOf(bob.page);
    await cara.page.locator('.react-flow__controls-zoomout').click();
    await cara.page.waitForTimeout(500);
    expect(await zoomOf(bob.page)).toBeCloseTo(bobZoom, 3);

    // The facilitator presents: everyone follows, with a banner.
    await fac.page.getByTestId('present').click();
    for (const person of [bob, cara]) {
      await expect.poll(() => person.page.getByTestId('presenting-banner').textContent(), { timeout: 10_000 }).toContain('Fay is presenting');
    }
    await fac.page.locator('.react-flow__controls-zoomin').click();
    await fac.page.locator('.react-flow__controls-zoomin').click();
    await fac.page.locator('.react-flow__controls-zoomin').click();
    const facZoom = await zoomOf(fac.page);
    await expect.poll(() => zoomOf(bob.page), { timeout: 10_000 }).toBeCloseTo(facZoom, 2);
    await expect.poll(() => zoomOf(cara.page), { timeout: 10_000 }).toBeCloseTo(facZoom, 2);

    // Cara steps out; Bob stays with the presenter.
    await cara.page.getByRole('button', { name: 'Step out' }).click();
    const caraOwn = await zoomOf(cara.page);
    await fac.page.locator('.react-flow__controls-zoomout').click();
    const facZoom2 = await zoomOf(fac.page);
    await expect.poll(() => zoomOf(bob.page), { timeout: 10_000 }).toBeCloseTo(facZoom2, 2);
    expect(await zoomOf(cara.page)).toBeCloseTo(caraOwn, 3);

    // Presenting ends: banners go.
    await fac.page.getByTestId('present').click();
    await expect.poll(() => bob.page.getByTestId('presenting-banner').count(), { timeout: 10_000 }).toBe(0);
  });

  it('an offline person and the others all edit; on reconnect everyone converges with nothing lost', async () => {
    const map = await createMap(suite.server.url, { title: 'Shaky Wi-Fi' });
    const alice = await join(map.links.editor, 'Alice');
    const bob = await join(map.links.editor, 'Bob');
    const cara = await join(map.links.editor, 'Cara');
    await addFactor(alice.page, 'Before the drop');
    await expect.poll(() => factorLabels(cara.page), { timeout: 10_000 }).toEqual(['Before the drop']);

    for (let round = 1; round <= 2; round++) {
      await cara.context.setOffline(true);
      await expect.poll(() => cara.page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
      await addFactor(cara.page, `Cara offline ${round}`);
      await addFactor(alice.page, `Alice while Cara away ${round}`);
      await addFactor(bob.page, `Bob while Cara away ${round}`);
      await expect.poll(async () => Number(await cara.page.getByTestId('connection-state').getAttribute('data-unsent')), { timeout: 5_000 }).toBeGreaterThan(0);
      await expect.poll(() => cara.page.getByTestId('connection-state').textContent()).toMatch(/not yet sent/);
      // The others do not see Cara's offline work yet.
      expect(await factorLabels(alice.page)).not.toContain(`Cara offline ${round}`);
      await cara.context.setOffline(false);
      await waitConnected(cara.page);
    }

    const expected = [
      'Alice while Cara away 1', 'Alice while Cara away 2', 'Before the drop',
      'Bob while Cara away 1', 'Bob while Cara away 2', 'Cara offline 1', 'Cara offline 2',
    ];
    for (const person of [alice, bob, cara]) {
      await expect.poll(() => factorLabels(person.page), { timeout: 15_000 }).toEqual(expected);
    }
    await expect.poll(async () => Number(await cara.page.getByTestId('connection-state').getAttribute('data-unsent'))).toBe(0);
    // And the server holds it all.
    const exported = await (await fetch(`${suite.server.url}/api/maps/${map.id}/export?format=json&token=${map.tokens.viewer}`)).json() as { nodes: { label: string }[] };
    expect(exported.nodes.map((n) => n.label).sort()).toEqual(expected);
    for (const person of [alice, bob, cara]) expect(person.errors).toEqual([]);
  });

  it('a reload while offline keeps the offline edits, which reach the others later', async () => {
    const map = await createMap(suite.server.url, { title: 'Reload offline' });
    const alice = await join(map.links.editor, 'Alice');
    const dan = await join(map.links.editor, 'Dan');
    // The service worker must hold the app shell before the network goes.
    await dan.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => dan.page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 10_000 }).toBe(true);

    await dan.context.setOffline(true);
    await expect.poll(() => dan.page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    await addFactor(dan.page, 'Written on the train');
    await dan.page.reload();
    await expect.poll(() => factorLabels(dan.page), { timeout: 15_000 }).toEqual(['Written on the train']);
    await expect.poll(() => dan.page.getByTestId('connection-state').textContent()).toMatch(/Offline.*not yet sent/);

    await dan.context.setOffline(false);
    await expect.poll(() => factorLabels(alice.page), { timeout: 15_000 }).toEqual(['Written on the train']);
  });

  it('two tabs of one browser share the map', async () => {
    const map = await createMap(suite.server.url, { title: 'Two tabs' });
    const eve = await join(map.links.editor, 'Eve');
    const second = await eve.context.newPage();
    await second.goto(map.links.editor);
    // The name is remembered per browser: no second prompt.
    await waitConnected(second);
    expect(await second.getByTestId('display-name').count()).toBe(0);
    await addFactor(eve.page, 'From tab one');
    await expect.poll(() => factorLabels(second), { timeout: 10_000 }).toEqual(['From tab one']);
    await addFactor(second, 'From tab two');
    await expect.poll(() => factorLabels(eve.page), { timeout: 10_000 }).toEqual(['From tab one', 'From tab two']);
  });

  it('a copy of a map deleted on the server is never merged back; it can be kept as a new map', async () => {
    const map = await createMap(suite.server.url, { title: 'Doomed' });
    const gil = await join(map.links.editor, 'Gil');
    await addFactor(gil.page, 'Worth keeping');
    await gil.context.setOffline(true);
    await expect.poll(() => gil.page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('offline');
    await addFactor(gil.page, 'Written after deletion');

    const deleted = await fetch(`${suite.server.url}/api/maps/${map.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${map.tokens.facilitator}` } });
    expect(deleted.status).toBe(204);
    await gil.context.setOffline(false);
    await expect.poll(() => gil.page.getByRole('alert').first().textContent(), { timeout: 15_000 }).toContain('no longer on the server');
    const gone = await fetch(`${suite.server.url}/api/maps/${map.id}?token=${map.tokens.editor}`);
    expect(gone.status).toBe(404);

    await gil.page.getByTestId('keep-copy').click();
    await gil.page.waitForURL((url) => !url.pathname.includes(map.id) && url.pathname.startsWith('/map/'), { timeout: 15_000 });
    await waitConnected(gil.page);
    await expect.poll(() => factorLabels(gil.page), { timeout: 10_000 }).toEqual(['Worth keeping', 'Written after deletion']);
    await expect.poll(() => gil.page.locator('.topbar__title').textContent()).toBe('Doomed (copy)');
  });
});
