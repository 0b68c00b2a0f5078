import { describe, expect, it } from 'vitest';
import { useBrowserSuite } from '../helpers/e2e';
import { addFactor, factorLabels, type Person } from '../helpers/people';
import { createMap } from '../helpers/server';

const suite = useBrowserSuite();

const join = (link: string, name: string) => suite.join(link, name);

async function openControls(fac: Person): Promise<void> {
  const details = fac.page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

describe('running a workshop', () => {
  it('a facilitator and two participants: phases, lock, a dot vote, and a replaced link', async () => {
    const map = await createMap(suite.server.url, { title: 'Workshop' });
    const fac = await join(map.links.facilitator, 'Fay');
    const ann = await join(map.links.editor, 'Ann');
    const ben = await join(map.links.editor, 'Ben');
    await addFactor(fac.page, 'Short-term funding');
    await addFactor(fac.page, 'Staff turnover');
    for (const p of [ann, ben]) await expect.poll(() => factorLabels(p.page), { timeout: 10_000 }).toEqual(['Short-term funding', 'Staff turnover']);

    // Phases change for everyone, with their prompt.
    await openControls(fac);
    await fac.page.getByTestId('phase-select').selectOption('connect');
    for (const p of [fac, ann, ben]) {
      await expect.poll(() => p.page.getByTestId('phase-name').textContent(), { timeout: 10_000 }).toBe('Connect');
      await expect.poll(() => p.page.getByTestId('phase-prompt').textContent()).toMatch(/Draw links/);
    }

    // A locked map refuses participants' edits: the tools go, and a forced edit does not stick.
    await fac.page.getByTestId('lock-toggle').check();
    for (const p of [ann, ben]) {
      await expect.poll(() => p.page.getByTestId('locked').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => p.page.getByTestId('add-factor').isDisabled().catch(() => true)).toBe(true);
    }
    await fac.page.getByTestId('lock-toggle').uncheck();
    await expect.poll(() => ann.page.getByTestId('locked').count(), { timeout: 10_000 }).toBe(0);
    await addFactor(ann.page, 'Trust');
    await expect.poll(() => factorLabels(fac.page), { timeout: 10_000 }).toContain('Trust');

    // A dot vote: two dots each, results hidden until closed, then stored in the map.
    await fac.page.getByTestId('vote-dots').fill('2');
    await fac.page.getByTestId('vote-open-button').click();
    for (const p of [ann, ben]) {
      await expect.poll(() => p.page.getByTestId('vote-open').count(), { timeout: 10_000 }).toBe(1);
      await p.page.getByTestId('tab-vote').click();
    }
    const dotOn = (p: Person, label: string) => p.page.locator('.vote-row', { hasText: label }).getByTestId('add-dot');
    await dotOn(ann, 'Staff turnover').click();
    await dotOn(ann, 'Staff turnover').click();
    await expect.poll(() => ann.page.getByTestId('dots-left').textContent()).toMatch(/0 of 2 dots left/);
    expect(await dotOn(ann, 'Trust').isDisabled()).toBe(true);
    await dotOn(ben, 'Trust').click();
    await expect.poll(() => ben.page.getByTestId('dots-left').textContent()).toMatch(/1 of 2 dots left/);
    await openControls(fac);
    await fac.page.getByTestId('vote-close').click();
    await expect.poll(() => ann.page.getByTestId('vote-results').locator('.vote-row').first().textContent(), { timeout: 10_000 }).toBe('Staff turnover2');
    const exported = await (await fetch(`${suite.server.url}/api/maps/${map.id}/history?token=${map.tokens.viewer}`)).json() as { entries: { changes: { kind: string }[] }[] };
    expect(exported.entries.some((e) => e.changes.some((c) => c.kind === 'vote result'))).toBe(true);
    // The result shows as a badge on the canvas.
    await expect.poll(() => fac.page.locator('.react-flow__node', { hasText: 'Staff turnover' }).first().getAttribute('aria-label')).toMatch(/2 dots/);

    // Replacing the editor link disconnects its holders at once.
    await openControls(fac);
    await fac.page.getByTestId('share').click();
    fac.page.once('dialog', (dialog) => void dialog.accept());
    await fac.page.getByTestId('replace-editor').click();
    await expect.poll(() => fac.page.getByTestId('link-editor').inputValue(), { timeout: 10_000 }).not.toBe(map.links.editor);
    for (const p of [ann, ben]) {
      await expect.poll(() => p.page.getByRole('alert').first().textContent(), { timeout: 15_000 }).toContain('not valid');
    }
    expect(await fac.page.getByTestId('qr-editor').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    for (const p of [fac, ann, ben]) expect(p.errors).toEqual([]);
  }, 150_000);
});
