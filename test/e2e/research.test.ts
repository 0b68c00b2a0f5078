import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBrowserSuite } from '../helpers/e2e';
import { createMap, tempDataDir } from '../helpers/server';

const suite = useBrowserSuite();

describe('research screens', () => {
  it('downloads, snapshots compared with now and opened read-only, and a history slider', async () => {
    const map = await createMap(suite.server.url, { template: 'women-services' });
    const fay = await suite.join(map.links.facilitator, 'Fay');
    const page = fay.page;
    await page.getByTestId('tab-research').click();

    // A download in a research format.
    await page.getByTestId('export-format').selectOption('graphml');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const saved = path.join(tempDataDir(), download.suggestedFilename());
    await download.saveAs(saved);
    expect(fs.readFileSync(saved, 'utf8')).toContain('<graphml');

    // A snapshot, then a change that closes a new loop, then the comparison.
    await page.getByTestId('snapshot-name').fill('Before the break');
    await page.getByTestId('snapshot-take').click();
    await expect.poll(() => page.getByTestId('research-message').textContent(), { timeout: 10_000 }).toMatch(/Snapshot “Before the break” taken \(sha256 [0-9a-f]{12}…\)/);
    await expect.poll(() => page.getByTestId('snapshot-list').locator('li').first().textContent()).toContain('Before the break');
    await page.getByTestId('quick-entry').fill('Peer support -> + Peer support');
    await page.getByTestId('quick-entry').press('Enter');
    await page.getByTestId('tab-research').click();
    await expect.poll(async () => {
      await page.getByTestId('snapshot-compare').first().click();
      return page.getByTestId('diff-loops').textContent();
    }, { timeout: 15_000 }).toMatch(/created: 1 \(R: Peer support\)/);

    // Open read-only: the snapshot as a picture, shown (not downloaded), without the change.
    const href = (await page.getByTestId('snapshot-open').first().getAttribute('href'))!;
    const shown = await page.request.get(new URL(href, suite.server.url).href);
    expect(shown.headers()['content-type']).toMatch(/image\/svg\+xml/);
    expect(shown.headers()['content-disposition']).toMatch(/^inline/);
    const svg = await shown.text();
    expect(svg).toContain('Short-term funding cycles');
    expect(svg).not.toContain('Peer support');

    // History: the slider replays the map; the last change is the new factor and link.
    await page.getByTestId('history-load').click();
    await expect.poll(() => page.getByTestId('history-changes').textContent(), { timeout: 10_000 }).toMatch(/link added: Peer support → Peer support|factor added: Peer support/);
    await page.getByTestId('history-slider').fill('0');
    await expect.poll(() => page.getByTestId('history-changes').textContent()).toMatch(/map changed/);
    await expect.poll(() => page.getByTestId('history-picture').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(fay.errors).toEqual([]);
  });

  it('imports a file from the home page as a new map', async () => {
    const source = await createMap(suite.server.url, { template: 'women-services' });
    const gexf = await (await fetch(`${suite.server.url}/api/maps/${source.id}/export?format=gexf&token=${source.tokens.viewer}`)).text();
    const file = path.join(tempDataDir(), 'network.gexf');
    fs.writeFileSync(file, gexf);
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    await page.goto(suite.server.url);
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('import-format').inputValue()).toBe('gexf');
    await page.getByTestId('import-submit').click();
    await page.waitForURL(/\/map\/[^/]+#token=/, { timeout: 15_000 });
    expect(page.url()).not.toContain(source.id);
    await page.getByTestId('display-name').fill('Ida');
    await page.getByTestId('join').click();
    await expect.poll(() => page.getByTestId('map-counts').textContent(), { timeout: 15_000 }).toBe('40 factors · 70 links');
    await context.close();
  });
});
