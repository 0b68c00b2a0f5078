import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addFactor, addLink } from '../../src/core/model';
import { connectClient, waitSynced } from '../helpers/clients';
import { useBrowserSuite } from '../helpers/e2e';
import { factorNode } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

const SIDE = 20;
const FACTORS = SIDE * SIDE;

/** React Flow's zoom, from the viewport's transform. */
async function zoomOf(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
}

/** Where on screen the middle of a link's line is (from the SVG path itself). */
async function linkMiddle(page: Page, id: string): Promise<{ x: number; y: number }> {
  return page.locator(`.react-flow__edge[data-id="${id}"] .react-flow__edge-path`).evaluate((el) => {
    const path = el as SVGPathElement;
    const point = path.getPointAtLength(path.getTotalLength() / 2);
    const screen = point.matrixTransform(path.getScreenCTM()!);
    return { x: screen.x, y: screen.y };
  });
}

describe('a large map', () => {
  it('draws only the factors around the view, every link, fits the whole map and reaches a far factor', async () => {
    // 400 factors on a grid, each linked to its right and lower neighbour (760 links), by a stock client.
    const map = await createMap(suite.server.url, { title: 'Large' });
    const client = connectClient(suite.server.wsUrl, map.id, map.tokens.editor);
    await waitSynced(client);
    const id = (row: number, col: number) => `f-${row}-${col}`;
    client.doc.transact(() => {
      for (let row = 0; row < SIDE; row++) {
        for (let col = 0; col < SIDE; col++) {
          addFactor(client.doc, { id: id(row, col), label: `Factor ${row}-${col}`, x: col * 260, y: row * 160 });
        }
      }
      for (let row = 0; row < SIDE; row++) {
        for (let col = 0; col < SIDE; col++) {
          if (col + 1 < SIDE) addLink(client.doc, { id: `l-${row}-${col}-r`, source: id(row, col), target: id(row, col + 1), polarity: '+' });
          if (row + 1 < SIDE) addLink(client.doc, { id: `l-${row}-${col}-d`, source: id(row, col), target: id(row + 1, col), polarity: '-' });
        }
      }
    });
    const links = 2 * SIDE * (SIDE - 1);
    const { page, errors } = await suite.join(map.links.editor, 'Lena');
    try {
      // It opens fitted: the whole map in view, so every factor is drawn, and every link.
      await expect.poll(() => page.locator('.react-flow__node-factor').count(), { timeout: 30_000 }).toBe(FACTORS);
      await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(links);
      const fitted = await zoomOf(page);
      expect(fitted).toBeLessThan(0.4);

      // Zoomed in to 100 % on the middle: only the factors in and around the view are drawn,
      // but every link still is (a link's far end need not be drawn for the link to be).
      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      await page.mouse.wheel(0, -Math.log2(1 / fitted) / 0.002);
      await expect.poll(() => zoomOf(page)).toBeGreaterThan(0.8);
      await expect.poll(() => page.locator('.react-flow__node-factor').count()).toBeLessThan(FACTORS / 3);
      expect(await page.locator('.react-flow__node-factor').count()).toBeGreaterThan(0);
      expect(await page.locator('.react-flow__edge').count()).toBe(links);
      expect(await factorNode(page, 'Factor 0-0').count()).toBe(0);

      // A pan by hand far to the right brings in the factors there.
      const drawnBefore = await page.locator('.react-flow__node-factor').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
      for (let i = 0; i < 3; i++) {
        await page.mouse.move(pane.x + pane.width * 0.8, pane.y + 30);
        await page.mouse.down({ button: 'middle' });
        await page.mouse.move(pane.x + pane.width * 0.2, pane.y + 30, { steps: 8 });
        await page.mouse.up({ button: 'middle' });
      }
      await expect.poll(async () => {
        const now = await page.locator('.react-flow__node-factor').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));
        return now.filter((n) => !drawnBefore.includes(n)).length;
      }).toBeGreaterThan(0);

      // Find goes to a factor far off screen: it is drawn, selected and centred.
      await page.keyboard.press('Control+f');
      await page.getByTestId('find-input').fill('Factor 0-0');
      await expect.poll(() => page.locator('.find-result__label').first().textContent()).toBe('Factor 0-0');
      await page.keyboard.press('Enter');
      const far = factorNode(page, 'Factor 0-0');
      await expect.poll(() => far.locator('.factor.is-selected').count(), { timeout: 10_000 }).toBe(1);
      const canvas = (await page.locator('.react-flow').boundingBox())!;
      await expect.poll(async () => {
        const box = await far.boundingBox();
        return box ? Math.hypot(box.x + box.width / 2 - (canvas.x + canvas.width / 2), box.y + box.height / 2 - (canvas.y + canvas.height / 2)) : Infinity;
      }, { timeout: 5_000 }).toBeLessThan(30);

      // A click on a link's line selects it; shift-click adds a second.
      const right = await linkMiddle(page, 'l-0-0-r');
      await page.mouse.click(right.x, right.y);
      await expect.poll(() => page.locator('.react-flow__edge.selected').evaluateAll((e) => e.map((n) => n.getAttribute('data-id')))).toEqual(['l-0-0-r']);
      const down = await linkMiddle(page, 'l-0-0-d');
      await page.keyboard.down('Shift');
      await page.mouse.click(down.x, down.y);
      await page.keyboard.up('Shift');
      await expect.poll(async () => (await page.locator('.react-flow__edge.selected').evaluateAll((e) => e.map((n) => n.getAttribute('data-id')))).sort())
        .toEqual(['l-0-0-d', 'l-0-0-r']);

      // A plain click on a factor selects just it: the links leave the selection.
      await factorNode(page, 'Factor 0-1').click();
      await expect.poll(() => page.locator('.react-flow__edge.selected').count()).toBe(0);
      await expect.poll(() => factorNode(page, 'Factor 0-1').locator('.factor.is-selected').count()).toBe(1);

      // Zoom to fit shows the whole map again, from the store's factors (not just those drawn).
      await page.getByTestId('fit').click();
      await expect.poll(() => zoomOf(page)).toBeLessThan(0.4);
      await expect.poll(() => page.locator('.react-flow__node-factor').count()).toBe(FACTORS);
      expect(errors).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
