import { describe, expect, it } from 'vitest';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor, type Person } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

async function quickEntry(person: Person, line: string): Promise<void> {
  await person.page.getByTestId('quick-entry').fill(line);
  await person.page.getByTestId('quick-entry').press('Enter');
}

describe('loops in the browser', () => {
  it('draw a loop: the drawer is told, it is listed with its polarity, and selecting it highlights it', async () => {
    const map = await createMap(suite.server.url, { title: 'Loops' });
    const fay = await suite.join(map.links.facilitator, 'Fay');
    const page = fay.page;
    await addFactor(page, 'Bystander');
    await quickEntry(fay, 'Short-term funding -> + Staff turnover');
    await quickEntry(fay, 'Staff turnover -> - Short-term funding');
    await expect.poll(() => page.getByTestId('loop-toast').textContent(), { timeout: 15_000 }).toBe('This link closed loop B1.');

    await page.getByTestId('tab-loops').click();
    await expect.poll(() => page.getByTestId('loop-count').textContent(), { timeout: 10_000 }).toBe('1 loops: 0 reinforcing, 1 balancing');
    const loop = page.getByTestId('loop');
    await expect.poll(() => loop.getAttribute('data-polarity')).toBe('B');
    expect(await loop.locator('.loop__badge').textContent()).toBe('B1');

    await loop.click();
    // Told from the loop's first factor (its canonical rotation), whichever that is.
    await expect.poll(() => page.getByTestId('loop-sentence').textContent()).toMatch(
      /^B1 More (staff turnover → less short-term funding → less staff turnover|short-term funding → more staff turnover → less short-term funding): balancing$/,
    );
    // On the canvas the loop's two factors stand out and the bystander is dimmed.
    const classOf = (label: string) => page.locator('.react-flow__node', { hasText: label }).first().getAttribute('class');
    await expect.poll(() => classOf('Staff turnover')).toContain('is-emphasised');
    await expect.poll(() => classOf('Short-term funding')).toContain('is-emphasised');
    await expect.poll(() => classOf('Bystander')).toContain('is-dimmed');

    // Naming the loop stores it in the map for everyone.
    await page.getByTestId('loop-title').fill('The churn trap');
    await page.getByTestId('loop-title').press('Enter');
    await expect.poll(() => loop.locator('.loop__name').textContent()).toBe('The churn trap');
    // The name is on screen as soon as it is typed; the server has it once the edit has travelled there.
    const exported = async () => ((await (await fetch(`${suite.server.url}/api/maps/${map.id}/export?format=json&token=${map.tokens.viewer}`)).json()) as { loops: { name?: string; polarity: string }[] }).loops;
    await expect.poll(exported).toEqual([expect.objectContaining({ name: 'The churn trap', polarity: 'B' })]);

    await page.getByRole('button', { name: 'Show whole map' }).click();
    await expect.poll(() => classOf('Bystander')).not.toContain('is-dimmed');
    expect(fay.errors).toEqual([]);
  });

  it('the example map lists exactly 40 loops, 28 reinforcing and 12 balancing, and filters them', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const viewer = await suite.join(map.links.viewer, 'Vic');
    await viewer.page.getByTestId('tab-loops').click();
    await expect.poll(() => viewer.page.getByTestId('loop-count').textContent(), { timeout: 15_000 }).toBe('40 loops: 28 reinforcing, 12 balancing');
    await expect.poll(() => viewer.page.getByTestId('loop').count()).toBe(40);
    await viewer.page.getByLabel('Reinforcing').uncheck();
    await expect.poll(() => viewer.page.getByTestId('loop').count()).toBe(12);
    expect(await viewer.page.locator('[data-testid="loop"][data-polarity="R"]').count()).toBe(0);
    expect(viewer.errors).toEqual([]);
  });

  it('explores causes and effects, paths, structure (with its caveat) and leverage points on the example map', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const res = await fetch(`${suite.server.url}/api/maps/${map.id}/export?format=json&token=${map.tokens.viewer}`);
    const file = (await res.json()) as { nodes: { id: string; label: string; kind: string; leverage: unknown }[]; edges: { source: string; target: string }[] };
    const expectedEffects = new Set(file.edges.filter((e) => e.source === 'short_term_funding' && e.target !== 'short_term_funding').map((e) => e.target));
    const eve = await suite.join(map.links.viewer, 'Eve');
    const page = eve.page;
    await page.locator('[data-factor-id="short_term_funding"]').click();
    await page.getByTestId('tab-explore').click();
    await expect.poll(() => page.getByTestId('explore-list').locator('li').count(), { timeout: 10_000 }).toBe(expectedEffects.size);
    const classOf = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`).getAttribute('class');
    const outside = file.nodes.find((n) => n.id !== 'short_term_funding' && !expectedEffects.has(n.id))!.id;
    await expect.poll(() => classOf(outside)).toContain('is-dimmed');
    await expect.poll(() => classOf([...expectedEffects][0]!)).toContain('is-emphasised');

    await page.getByTestId('explore-paths').click();
    await page.getByTestId('path-from').selectOption('short_term_funding');
    await page.getByTestId('path-to').selectOption('budget_pressure');
    await expect.poll(() => page.getByTestId('path-summary').textContent()).toMatch(/paths?; the shortest has \d+ links?/);

    await page.getByTestId('explore-measures').click();
    await expect.poll(() => page.getByTestId('measures-caveat').textContent()).toContain('Crielaard et al. 2023');
    await expect.poll(() => page.getByTestId('measures-table').locator('tbody tr').count()).toBe(40);
    await expect.poll(() => page.locator('.react-flow__node.has-measure').count()).toBeGreaterThan(0);

    await page.getByTestId('explore-leverage').click();
    const leverageCount = file.nodes.filter((n) => n.leverage).length;
    await expect.poll(() => page.getByTestId('leverage-list').locator('li').count()).toBe(leverageCount);
    await expect.poll(() => page.getByTestId('innovation-list').locator('li').count()).toBe(file.nodes.filter((n) => n.kind === 'innovation').length);
    await page.getByTestId('leverage-filter').selectOption('leverage');
    await expect.poll(() => page.locator('.react-flow__node.is-emphasised').count()).toBe(leverageCount);
    expect(eve.errors).toEqual([]);
  });
});
