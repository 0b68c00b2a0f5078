/**
 * `npm run screenshots` (or `npx tsx scripts/guide-screenshots.ts`): the
 * pictures in docs/facilitator-guide.md, taken from a real workshop.
 *
 * Builds the app if the build is out of date, starts the real server on a free
 * port with a temporary DATA_DIR, and drives Chromium through a session on the
 * example map: a facilitator on a laptop (1280×800), a participant on a phone
 * (390×844, touch, the simple view) and one on a laptop, plus a few stock
 * y-websocket clients for breakout groups and extra voters. Every picture is a
 * viewport screenshot written to docs/images/guide-*.png (a dialog taller than
 * the laptop's screen is taken in a window up to 1000 px tall). Then the
 * README's pictures of the editor (docs/images/editor-*.png), on a small map of
 * its own. The server
 * serves a private copy of dist/client, so another build cannot disturb it.
 *
 * Each step waits for what it needs on screen (never a fixed pause). A step
 * that fails stops the run with its name and the reason, and the script exits
 * with status 1. Set CHROMIUM_PATH to use another Chromium.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { addFactor, addLink, addSection, addTag, castVote, readMap, readSession, setLeverage, updateFactor, type MapSnapshot } from '../src/core/model';
import { launchBrowser } from '../test/helpers/browser';
import { connectClient, waitFor, waitSynced, type Client } from '../test/helpers/clients';
import { addFactor as addFactorOnCanvas, waitConnected } from '../test/helpers/people';
import { ROOT, createMap, startTestServer, type TestServer } from '../test/helpers/server';

const OUT = path.join(ROOT, 'docs/images');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TITLE = 'Barriers to support: partnership workshop';

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  errors: string[];
}

const written: string[] = [];
let currentStep = '(starting)';

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  currentStep = name;
  console.log(`- ${name}`);
  return fn();
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A viewport screenshot, once fonts, images and layout have settled. */
async function shot(person: Person, name: string, prefix: 'guide' | 'editor' = 'guide'): Promise<void> {
  const { page } = person;
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].filter((i) => !i.complete).map((i) => i.decode().catch(() => {})));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
  const file = path.join(OUT, `${prefix}-${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  written.push(path.relative(ROOT, file));
}

async function newPerson(browser: Browser, name: string, phone = false): Promise<Person> {
  const context = await browser.newContext({
    viewport: phone ? PHONE : LAPTOP,
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...(phone ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { name, context, page, errors };
}

/** Opens a link and answers "What name should others see?". */
async function join(person: Person, link: string): Promise<void> {
  await person.page.goto(link);
  await person.page.getByTestId('display-name').fill(person.name);
  await person.page.getByTestId('join').click();
  await waitConnected(person.page);
}

async function openControls(page: Page): Promise<Locator> {
  const details = page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const controls = page.getByRole('group', { name: 'Session controls' });
  await controls.waitFor();
  return controls;
}

/** The session controls fold over the side panel: fold them away to reach it. */
async function closeControls(page: Page): Promise<void> {
  const details = page.locator('.workshop-bar__controls');
  if ((await details.getAttribute('open')) !== null) await details.locator('summary').click();
  await page.getByRole('group', { name: 'Session controls' }).waitFor({ state: 'hidden' });
}

async function setPhase(fac: Person, phase: string, everyone: Person[]): Promise<void> {
  await openControls(fac.page);
  await fac.page.getByTestId('phase-select').selectOption(phase);
  const name = await fac.page.getByTestId('phase-select').locator('option:checked').textContent();
  for (const p of everyone) await until(async () => (await p.page.getByTestId('phase-name').textContent()) === name, `${p.name} to see the phase “${name}”`);
}

/** Finds a factor by name (Ctrl+F), which selects it and centres the canvas on it. */
async function findFactor(page: Page, text: string): Promise<void> {
  await page.getByTestId('find-button').click();
  await page.getByTestId('find-input').fill(text);
  await page.getByTestId('find-result').first().waitFor();
  await page.getByTestId('find-input').press('Enter');
  await page.getByTestId('find').waitFor({ state: 'detached' });
}

/**
 * Scrolls the box that holds `target` (the side panel, the simple view, a
 * dialog) so that the target's top sits just below the box's top, or its
 * bottom just above the box's bottom.
 */
async function scrollTo(target: Locator, edge: 'top' | 'bottom' = 'top'): Promise<void> {
  await target.evaluate((el, edge) => {
    let box = el.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box) return;
    const outer = box.getBoundingClientRect();
    const inner = el.getBoundingClientRect();
    box.scrollTop += edge === 'top' ? inner.top - outer.top - 8 : inner.bottom - outer.bottom + 8;
  }, edge);
}

/** A screenshot of an open dialog, in a window tall enough to show it whole (up to 1000 px). */
async function shotDialog(person: Person, dialog: Locator, name: string): Promise<void> {
  const tall = await dialog.evaluate((el) => el.scrollHeight);
  await person.page.setViewportSize({ width: LAPTOP.width, height: Math.min(1000, Math.max(LAPTOP.height, tall + 48)) });
  await dialog.evaluate((el) => el.scrollTo(0, 0));
  await restPointer(person.page);
  await shot(person, name);
  await person.page.setViewportSize(LAPTOP);
}

/** Moves the pointer off the map and panels, so no hover state shows. */
async function restPointer(page: Page): Promise<void> {
  await page.mouse.move(5, 5);
}

/** The factor on the canvas whose label starts with `start`. */
function factorStarting(page: Page, start: string): Locator {
  return page.locator('.react-flow__node-factor', { has: page.locator('.factor__label', { hasText: new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }) });
}

async function optionValue(select: Locator, start: string): Promise<string> {
  const value = await select.locator('option').filter({ hasText: new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().getAttribute('value');
  if (!value) throw new Error(`no option starting “${start}”`);
  return value;
}

const tokenOf = (link: string): string => decodeURIComponent(new URL(link).hash.replace(/^#/, '').split('&').find((p) => p.startsWith('token='))!.slice(6));

function buildIfStale(): void {
  // The same rule as `npm start`: build only when sources are newer than dist/.
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the app could not be built (see above)');
}

/**
 * A private copy of the built app, so that a build started by someone else
 * while the screenshots run (it empties dist/) cannot pull files from under
 * the server. Copied again if dist/ changed during the copy.
 */
function copyOfBuiltApp(into: string): string {
  const dist = path.join(ROOT, 'dist/client');
  const stamp = path.join(ROOT, 'dist/.build-stamp');
  const stampNow = () => (fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : '');
  for (let attempt = 1; attempt <= 3; attempt++) {
    buildIfStale();
    const before = stampNow();
    const copy = path.join(into, `app-${attempt}`);
    try {
      fs.cpSync(dist, copy, { recursive: true });
    } catch {
      continue;
    }
    const index = path.join(copy, 'index.html');
    const assets = fs.existsSync(index) ? [...fs.readFileSync(index, 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!) : [];
    if (stampNow() === before && assets.length > 0 && assets.every((a) => fs.existsSync(path.join(copy, a)))) return copy;
  }
  throw new Error('dist/client kept changing while it was copied (is another build running?); try again');
}

/** The small map of the README's editor pictures: a few barriers from the example, in two columns. */
const SMALL_MAP = {
  section: { title: 'Commissioning priorities', colour: '#dbeafe' },
  factors: [
    // [label, kind, column, row]; the first column sits in the section.
    ['Siloed commissioning', 'barrier', 0, 0], ['Short-term funding', 'barrier', 0, 2], ['Budget pressure', 'barrier', 0, 4],
    ['Gender-neutral commissioning', 'factor', 0, 5.3], ['Competitive commissioning', 'factor', 0, 6.3],
    ['Information sharing', 'factor', 1, -0.5], ['Dual-diagnosis exclusion', 'barrier', 1, 0.6], ['Complex-needs refuge', 'innovation', 1, 1.6],
    ['Prevention', 'factor', 1, 2.6], ['Staff turnover', 'factor', 1, 4], ['Rigid eligibility criteria', 'barrier', 1, 5],
    ['Women-specific services', 'innovation', 1, 6.3], ['Engagement with support', 'outcome', 2, 3], ['Trust in services', 'factor', 3, 2.5],
  ] as const,
  links: [
    ['Siloed commissioning', '-', 'Information sharing'], ['Siloed commissioning', '+', 'Dual-diagnosis exclusion'],
    ['Short-term funding', '-', 'Complex-needs refuge'], ['Short-term funding', '-', 'Prevention', 'delay'], ['Short-term funding', '+', 'Staff turnover'],
    ['Budget pressure', '+', 'Staff turnover'], ['Budget pressure', '+', 'Rigid eligibility criteria'],
    ['Gender-neutral commissioning', '-', 'Women-specific services'], ['Competitive commissioning', '-', 'Women-specific services'],
    ['Staff turnover', '-', 'Engagement with support'], ['Rigid eligibility criteria', '-', 'Engagement with support'],
    ['Prevention', '+', 'Engagement with support'], ['Engagement with support', '+', 'Trust in services'], ['Trust in services', '+', 'Engagement with support'],
  ] as const,
};

/** Writes the small map with a stock client; returns ids by label, and by "A -> B" for links. */
function seedSmallMap(client: Client): Map<string, string> {
  const ids = new Map<string, string>();
  const at = (column: number, row: number) => ({ x: 40 + column * 300, y: 60 + row * 110 });
  client.doc.transact(() => {
    addSection(client.doc, { ...SMALL_MAP.section, x: 0, y: 0, width: 260, height: 820 });
    for (const [label, kind, column, row] of SMALL_MAP.factors) ids.set(label, addFactor(client.doc, { label, kind, ...at(column, row) }));
    for (const [from, polarity, to, delay] of SMALL_MAP.links) {
      ids.set(`${from} -> ${to}`, addLink(client.doc, { source: ids.get(from)!, target: ids.get(to)!, polarity, delay: delay === 'delay' }));
    }
    const funding = ids.get('Short-term funding')!;
    addTag(client.doc, funding, 'funding');
    updateFactor(client.doc, funding, { note: '“Short-term funding creates instability for many service providers.”' });
    setLeverage(client.doc, funding, { level: 5, rationale: 'Who commissions, and for how long, is a rule of the system.' });
  });
  return ids;
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-guide-'));
  const app = await step('build the app if it is out of date', async () => copyOfBuiltApp(work));
  let server: TestServer | null = null;
  let browser: Browser | null = null;
  const people: Person[] = [];
  const clients: Client[] = [];
  const connect = (mapId: string, token: string, client?: string): Client => {
    const c = connectClient(server!.wsUrl, mapId, token, client ? { client } : {});
    clients.push(c);
    return c;
  };
  const person = async (name: string, phone = false): Promise<Person> => {
    const p = await newPerson(browser!, name, phone);
    people.push(p);
    return p;
  };
  try {
    server = await step('start the server with the built app', () => startTestServer({ staticDir: app, dataDir: path.join(work, 'data') }));
    browser = await step('start Chromium', () => launchBrowser());

    // ---- Before the session ------------------------------------------------
    const fay = await person('Fay');
    await step('home page: start a map from the example', async () => {
      await fay.page.goto(`${server!.url}/`);
      await fay.page.locator('input[name="title"]').fill(TITLE);
      await fay.page.locator('select[name="template"]').selectOption('women-services');
      await restPointer(fay.page);
      await shot(fay, 'home');
      await fay.page.getByRole('button', { name: 'Create map' }).click();
      await fay.page.waitForURL(/\/map\//);
      await fay.page.getByTestId('display-name').fill(fay.name);
      await fay.page.getByTestId('join').click();
      await waitConnected(fay.page);
      await until(async () => (await fay.page.locator('.react-flow__node-factor').count()) === 40, 'the 40 factors of the example map');
    });
    const mapId = decodeURIComponent(new URL(fay.page.url()).pathname.split('/').pop()!);
    const facilitatorToken = tokenOf(fay.page.url());

    const links = await step('share dialog: three links and a QR code', async () => {
      await openControls(fay.page);
      await fay.page.getByTestId('share').click();
      const dialog = fay.page.getByTestId('share-dialog');
      await dialog.waitFor();
      await fay.page.getByTestId('link-editor').waitFor();
      const plain = await fay.page.getByTestId('link-editor').inputValue();
      await fay.page.getByTestId('share-simple').check();
      await until(async () => (await fay.page.getByTestId('link-editor').inputValue()).endsWith('&simple=1'), 'the simple-view participants’ link');
      await fay.page.getByTestId('qr-editor').waitFor();
      const simple = await fay.page.getByTestId('link-editor').inputValue();
      const viewer = await fay.page.getByTestId('link-viewer').inputValue();
      await shotDialog(fay, dialog, 'share');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await dialog.waitFor({ state: 'detached' });
      return { editor: plain, simple, viewer };
    });

    const controls = await step('session controls: phase, timer, lock, dot vote', async () => {
      const controls = await openControls(fay.page);
      await fay.page.getByTestId('phase-select').selectOption('gather');
      await controls.locator('fieldset', { hasText: 'Timer' }).locator('input[type="number"]').fill('20');
      await controls.locator('fieldset', { hasText: 'Timer' }).locator('input[type="number"]').blur();
      await restPointer(fay.page);
      await shot(fay, 'session-controls');
      return controls;
    });

    await step('plan editor', async () => {
      await fay.page.getByTestId('plan-edit').click();
      const editor = fay.page.getByTestId('plan-editor');
      await editor.waitFor();
      await restPointer(fay.page);
      await shot(fay, 'plan-editor');
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await editor.waitFor({ state: 'detached' });
    });

    // ---- Gather factors ------------------------------------------------------
    const sam = await person('Sam', true);
    const ben = await person('Ben');
    await step('participants join: Sam on a phone (simple view), Ben on a laptop', async () => {
      await join(sam, links.simple);
      await sam.page.getByTestId('simple-mode').waitFor();
      await join(ben, links.editor);
      await ben.page.locator('.react-flow').waitFor();
      for (const p of [sam, ben]) await until(async () => (await p.page.getByTestId('phase-name').textContent()) === 'Gather factors', `${p.name} to see the first phase`);
    });

    await step('start a 20-minute timer', async () => {
      await controls.getByTestId('timer-start').click();
      for (const p of [fay, sam, ben]) await p.page.getByTestId('timer').waitFor();
    });

    await step('phone: add a factor in the simple view', async () => {
      await sam.page.getByTestId('simple-add').click();
      await sam.page.getByTestId('simple-label').fill('Waiting time for a mental health assessment');
      await sam.page.getByTestId('simple-add-submit').click();
      await sam.page.getByTestId('simple-message').waitFor();
      await sam.page.getByTestId('simple-label').fill('Peer support from women with lived experience');
      await sam.page.getByRole('radio', { name: /^Innovation/ }).check();
      await sam.page.getByTestId('simple-add-submit').click();
      await until(async () => /Peer support/.test((await sam.page.getByTestId('simple-message').textContent()) ?? ''), 'the second factor to be added');
      await sam.page.getByTestId('simple-label').blur();
      await scrollTo(sam.page.getByTestId('simple-mode'));
      await shot(sam, 'phone-simple');
    });

    await step('laptop participant adds factors on the canvas', async () => {
      await closeControls(fay.page);
      await addFactorOnCanvas(ben.page, 'Waiting lists for talking therapies');
      await addFactorOnCanvas(ben.page, 'Jo’s key worker at Riverside House');
      await ben.page.keyboard.press('Escape');
      for (const label of ['Waiting time for a mental health assessment', 'Waiting lists for talking therapies', 'Jo’s key worker at Riverside House']) {
        await factorStarting(fay.page, label).waitFor();
      }
      // Close enough to read: centred on what Ben added, with nothing selected.
      await findFactor(fay.page, 'Waiting lists for talking');
      await fay.page.keyboard.press('Escape');
      // Ben's pointer just beside his factor, where it does not cover a name.
      const box = (await factorStarting(ben.page, 'Waiting lists for talking').boundingBox())!;
      await ben.page.mouse.move(box.x + box.width + 40, box.y + box.height + 30, { steps: 4 });
      await fay.page.getByTestId('remote-cursor').first().waitFor();
      await restPointer(fay.page);
      await shot(fay, 'phase');
    });

    await step('moderation: the facilitator hides a contribution that names a person', async () => {
      await findFactor(fay.page, 'Riverside');
      await fay.page.getByTestId('tab-details').click();
      await fay.page.getByTestId('moderate-hide').click();
      await fay.page.getByTestId('moderated-list').waitFor();
      await until(async () => (await factorStarting(ben.page, 'Jo’s key worker').count()) === 0, 'the hidden factor to leave Ben’s map');
      await until(async () => /is-moderated/.test((await factorStarting(fay.page, 'Jo’s key worker').getAttribute('class')) ?? ''), 'the hidden factor to fade on the facilitator’s map');
      await scrollTo(fay.page.getByTestId('moderation'), 'bottom');
      await restPointer(fay.page);
      await shot(fay, 'moderation');
    });

    // ---- Connect ---------------------------------------------------------------
    await step('phone: connect two factors', async () => {
      await setPhase(fay, 'connect', [sam, ben]);
      await closeControls(fay.page);
      await sam.page.getByTestId('simple-connect').click();
      const from = sam.page.getByTestId('simple-from');
      const to = sam.page.getByTestId('simple-to');
      await from.selectOption(await optionValue(from, 'Dual-diagnosis exclusion'));
      await to.selectOption(await optionValue(to, 'Waiting time for a mental health assessment'));
      await sam.page.getByTestId('simple-polarity-plus').check();
      await sam.page.getByTestId('simple-preview').waitFor();
      await scrollTo(sam.page.getByTestId('simple-connect-submit'), 'bottom');
      await shot(sam, 'phone-connect');
      await sam.page.getByTestId('simple-connect-submit').click();
      await until(async () => /^Connected/.test((await sam.page.getByTestId('simple-message').textContent()) ?? ''), 'the link to be made');
    });

    await step('phone: withdraw something you added', async () => {
      await sam.page.getByTestId('simple-mine').click();
      const mine = sam.page.getByTestId('simple-mine-list');
      await mine.waitFor();
      await mine.locator('li', { hasText: /^Peer support/ }).getByRole('button', { name: 'Withdraw' }).click();
      await mine.locator('li', { hasText: '(withdrawn)' }).waitFor();
      await until(async () => (await factorStarting(ben.page, 'Peer support').count()) === 0, 'the withdrawn factor to leave Ben’s map');
      await scrollTo(sam.page.getByTestId('simple-mode'));
      await shot(sam, 'phone-withdraw');
      await sam.page.getByTestId('simple-mine').click();
    });

    // ---- Find loops --------------------------------------------------------------
    await step('loops tab: a loop highlighted and named', async () => {
      await setPhase(fay, 'loops', [sam, ben]);
      await closeControls(fay.page);
      await fay.page.getByTestId('tab-loops').click();
      await until(async () => /^\d+ loops:/.test((await fay.page.getByTestId('loop-count').textContent()) ?? ''), 'the loop count');
      await findFactor(fay.page, 'Stigma');
      await fay.page.getByLabel('Through the selected factor').check();
      await fay.page.getByTestId('loop').first().click();
      await until(async () => /help-seeking/i.test((await fay.page.getByTestId('loop-sentence').textContent()) ?? ''), 'the stigma loop to be selected');
      await fay.page.getByTestId('loop-title').fill('Stigma keeps women away from help');
      await fay.page.getByTestId('loop-title').press('Enter');
      await until(async () => (await fay.page.locator('[data-testid="loop"][aria-pressed="true"] .loop__name').textContent()) === 'Stigma keeps women away from help', 'the loop’s name');
      await fay.page.getByTestId('loop-title').blur();
      await scrollTo(fay.page.getByTestId('loop-detail'));
      await restPointer(fay.page);
      await shot(fay, 'loops');
    });

    await step('bring everyone to my view: the banner a participant sees', async () => {
      await fay.page.getByTestId('present').click();
      await ben.page.getByTestId('presenting-banner').waitFor();
      await restPointer(ben.page);
      await shot(ben, 'follow');
      await fay.page.getByTestId('present').click();
      await ben.page.getByTestId('presenting-banner').waitFor({ state: 'detached' });
    });

    // ---- Vote ----------------------------------------------------------------------
    await step('dot vote: open it, vote from the phone', async () => {
      await setPhase(fay, 'vote', [sam, ben]);
      const c = await openControls(fay.page);
      await fay.page.getByTestId('vote-dots').fill('3');
      await fay.page.getByTestId('vote-open-button').click();
      await c.getByTestId('vote-close').waitFor();
      await closeControls(fay.page);
      await until(() => sam.page.getByTestId('simple-vote').isEnabled(), 'the phone’s vote button');
      await sam.page.getByTestId('simple-vote').click();
      const dot = (label: string) => sam.page.locator('.vote-row', { hasText: label }).getByTestId('add-dot');
      await dot('Continuity of support').click();
      await until(async () => /2 of 3/.test((await sam.page.getByTestId('dots-left').textContent()) ?? ''), 'Sam’s first dot');
      await dot('Continuity of support').click();
      await until(async () => /1 of 3/.test((await sam.page.getByTestId('dots-left').textContent()) ?? ''), 'Sam’s second dot');
      await dot('Coordination & information sharing').click();
      await until(async () => /0 of 3/.test((await sam.page.getByTestId('dots-left').textContent()) ?? ''), 'Sam’s third dot');
      await scrollTo(sam.page.getByTestId('vote-panel'));
      await shot(sam, 'phone-vote');
    });

    await step('dot vote: more votes, close it, results as badges', async () => {
      await ben.page.getByTestId('tab-vote').click();
      const dot = (label: string) => ben.page.locator('.vote-row', { hasText: label }).getByTestId('add-dot');
      for (const [i, label] of ['Coordination & information sharing', 'Trusting relationships', 'Coordination & information sharing'].entries()) {
        await dot(label).click();
        await until(async () => new RegExp(`${2 - i} of 3`).test((await ben.page.getByTestId('dots-left').textContent()) ?? ''), `Ben’s dot ${i + 1}`);
      }
      // Three more people vote from other devices (stock clients, each in its own name).
      const ballots: [string, string, number][][] = [
        [['trust', 'a', 2], ['continuity', 'a', 1]],
        [['info_sharing', 'b', 1], ['coproduction', 'b', 2]],
        [['trust', 'c', 1], ['womens_centres', 'c', 2]],
      ];
      for (const [i, ballot] of ballots.entries()) {
        const voter = `guide-voter-${i + 1}`;
        const c = connect(mapId, tokenOf(links.editor), voter);
        await waitSynced(c);
        await waitFor(() => readSession(c.doc).vote?.open === true, 'the vote to reach a stock client');
        for (const [target, , count] of ballot) castVote(c.doc, voter, target, count, { author: voter });
      }
      // The facilitator sees the running totals: wait until every ballot has arrived.
      await fay.page.getByTestId('tab-vote').click();
      await until(async () => /5 people have voted/.test((await fay.page.getByTestId('dots-left').textContent()) ?? ''), 'all five ballots to reach the facilitator');
      await openControls(fay.page);
      await fay.page.getByTestId('vote-close').click();
      await closeControls(fay.page);
      await fay.page.getByTestId('tab-vote').click();
      await fay.page.getByTestId('vote-results').waitFor();
      await until(async () => /5 people voted/.test((await fay.page.getByTestId('vote-results').textContent()) ?? ''), 'five voters in the results');
      await findFactor(fay.page, 'Trusting relationships');
      await fay.page.keyboard.press('Escape');
      await fay.page.getByTestId('badge-votes').first().waitFor();
      await restPointer(fay.page);
      await shot(fay, 'vote-results');
    });

    // ---- Breakouts and merge -------------------------------------------------------
    const groups = await step('breakouts: make two groups', async () => {
      await setPhase(fay, 'leverage', [sam, ben]);
      await fay.page.getByTestId('breakouts').click();
      const dialog = fay.page.getByTestId('breakouts-dialog');
      await dialog.waitFor();
      await fay.page.getByTestId('no-breakouts').waitFor();
      await fay.page.getByTestId('breakout-name-0').fill('Housing and refuges');
      await fay.page.getByTestId('breakout-name-1').fill('Health and substance use');
      await fay.page.getByTestId('breakouts-create').click();
      const rows = fay.page.getByTestId('breakout-row');
      await until(async () => (await rows.count()) === 2, 'two breakouts');
      await fay.page.getByTestId('breakouts-message').waitFor();
      const result = [];
      for (let i = 0; i < 2; i++) {
        const row = rows.nth(i);
        await row.getByTestId('breakout-editor-link').waitFor();
        result.push({ id: (await row.getAttribute('data-breakout-id'))!, link: await row.getByTestId('breakout-editor-link').inputValue() });
      }
      await shotDialog(fay, dialog, 'breakouts');
      return result;
    });

    await step('breakouts: each group adds to its copy', async () => {
      const [one, two] = [groups[0]!, groups[1]!];
      const g1 = connect(one.id, tokenOf(one.link), 'guide-group-1');
      const g2 = connect(two.id, tokenOf(two.link), 'guide-group-2');
      await waitSynced(g1);
      await waitSynced(g2);
      const ctx1 = { author: 'guide-group-1' };
      const ctx2 = { author: 'guide-group-2' };
      await waitFor(() => readMap(g1.doc).nodes.length >= 40 && readMap(g2.doc).nodes.length >= 40, 'the breakouts to hold the map');
      const at = (m: MapSnapshot, id: string) => m.nodes.find((n) => n.id === id)!;
      const m1 = readMap(g1.doc);
      const edgesBefore = m1.edges.length;
      const detox1 = addFactor(g1.doc, { label: 'Waiting time for detox', x: at(m1, 'substance_use').x - 300, y: at(m1, 'substance_use').y + 120 }, ctx1);
      addLink(g1.doc, { source: detox1, target: 'substance_use', polarity: '+', delay: true }, ctx1);
      addLink(g1.doc, { source: 'navigators', target: 'out_of_area', polarity: '-' }, ctx1);
      const m2 = readMap(g2.doc);
      const detox2 = addFactor(g2.doc, { label: 'Waiting times for detox', x: at(m2, 'substance_use').x - 300, y: at(m2, 'substance_use').y + 120 }, ctx2);
      addLink(g2.doc, { source: detox2, target: 'crisis', polarity: '+' }, ctx2);
      addLink(g2.doc, { source: 'navigators', target: 'out_of_area', polarity: '+' }, ctx2);
      // What the server holds, read by fresh clients.
      for (const [g, edges] of [[one, edgesBefore + 2], [two, edgesBefore + 2]] as const) {
        const check = connect(g.id, facilitatorToken);
        await waitSynced(check);
        await waitFor(() => readMap(check.doc).edges.length >= edges, 'a group’s work to reach the server', 15_000);
      }
    });

    await step('merge review: a near match and a polarity conflict', async () => {
      await fay.page.getByTestId('merge-review-button').click();
      const review = fay.page.getByTestId('merge-review');
      await review.waitFor();
      await review.getByTestId('near-match').first().waitFor();
      await review.getByTestId('merge-conflict').first().waitFor();
      await shotDialog(fay, fay.page.getByTestId('breakouts-dialog'), 'merge-review');
      await fay.page.getByTestId('near-match').first().getByTestId('near-same').check();
      await fay.page.getByTestId('merge-confirm').click();
      await fay.page.getByTestId('merge-result').waitFor();
      await fay.page.getByTestId('breakouts-dialog').getByRole('button', { name: 'Done' }).click();
      await fay.page.getByTestId('breakouts-dialog').waitFor({ state: 'detached' });
    });

    // ---- After the session -------------------------------------------------------------
    await step('research tab: snapshot and downloads', async () => {
      await closeControls(fay.page);
      await fay.page.getByTestId('tab-research').click();
      await fay.page.getByTestId('snapshot-name').fill('End of the workshop');
      await fay.page.getByTestId('snapshot-take').click();
      await until(async () => /taken/.test((await fay.page.getByTestId('research-message').textContent()) ?? ''), 'the snapshot to be taken');
      await fay.page.getByTestId('snapshot-list').waitFor();
      await scrollTo(fay.page.getByRole('heading', { name: 'Download the map' }));
      await restPointer(fay.page);
      await shot(fay, 'research');
    });

    // ---- The editor, for the README --------------------------------------------------
    const small = await step('editor: a small map of commissioning barriers', async () => {
      const created = await createMap(server!.url, { title: 'Our area: women’s services' });
      const seeder = connect(created.id, created.tokens.facilitator);
      await waitSynced(seeder);
      const ids = seedSmallMap(seeder);
      await waitFor(() => readMap(seeder.doc).nodes.length === SMALL_MAP.factors.length, 'the small map to be written');
      return { created, ids };
    });
    const ed = await person('Fay (editor pictures)');
    await step('editor: a factor selected, with its panel', async () => {
      await join(ed, small.created.links.facilitator);
      await until(async () => (await ed.page.locator('.react-flow__node-factor').count()) === SMALL_MAP.factors.length, 'every factor of the small map');
      await ed.page.getByTestId('fit').click();
      await ed.page.locator(`.react-flow__node[data-id="${small.ids.get('Short-term funding')}"]`).click();
      await ed.page.getByRole('textbox', { name: 'Name' }).waitFor();
      await restPointer(ed.page);
      await shot(ed, 'factor', 'editor');
    });
    await step('editor: a link selected, with its toolbar', async () => {
      const linkId = small.ids.get('Short-term funding -> Staff turnover')!;
      const point = await ed.page.evaluate((id) => {
        const line = document.querySelector<SVGPathElement>(`.react-flow__edge[data-id="${CSS.escape(id)}"] path.react-flow__edge-path`)!;
        const p = line.getPointAtLength(line.getTotalLength() * 0.4);
        const m = line.getScreenCTM()!;
        return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
      }, linkId);
      await ed.page.mouse.click(point.x, point.y);
      await ed.page.getByTestId('edge-toolbar').waitFor();
      await restPointer(ed.page);
      await shot(ed, 'link', 'editor');
    });
    await step('editor: quick entry matching a misspelt name', async () => {
      await ed.page.keyboard.press('Escape');
      await ed.page.getByTestId('quick-entry').fill('staff turnovr -> - Continuity of support, delay');
      await until(async () => /matched/.test((await ed.page.getByTestId('quick-entry-preview').textContent()) ?? ''), 'the preview to match “Staff turnover”');
      await shot(ed, 'quick-entry', 'editor');
      await ed.page.getByTestId('quick-entry').fill('');
    });
    await step('editor: the text view', async () => {
      await ed.page.getByTestId('view-text').click();
      await ed.page.getByRole('heading', { name: /in words/i }).first().waitFor();
      await restPointer(ed.page);
      await shot(ed, 'text-view', 'editor');
      await ed.page.getByTestId('view-diagram').click();
    });
    await step('editor: the full editor on a phone', async () => {
      const pat = await person('Pat', true);
      await join(pat, `${small.created.links.editor}&simple=0`);
      await until(async () => (await pat.page.locator('.react-flow__node-factor').count()) === SMALL_MAP.factors.length, 'every factor on the phone');
      await pat.page.locator(`.react-flow__node[data-id="${small.ids.get('Short-term funding')}"]`).tap();
      await pat.page.getByRole('textbox', { name: 'Name' }).waitFor();
      await shot(pat, 'phone', 'editor');
    });

    const errors = people.flatMap((p) => p.errors.map((e) => `${p.name}: ${e}`));
    if (errors.length > 0) throw new Error(`the app threw errors in the browser:\n  ${errors.join('\n  ')}`);
    currentStep = '(done)';
  } catch (error) {
    // What each person's screen showed when it failed, to see why.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guide-failure-'));
    for (const p of people) await p.page.screenshot({ path: path.join(dir, `${p.name.split(' ')[0]}.png`) }).catch(() => {});
    if (people.length > 0) console.error(`(The screens at the moment of failure are in ${dir}.)`);
    throw error;
  } finally {
    for (const c of clients) c.destroy();
    for (const p of people) await p.context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => {
    console.log(`Wrote ${written.length} screenshots:\n  ${written.join('\n  ')}`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`\nThe screenshots failed at the step “${currentStep}”: ${(error as Error)?.message ?? error}`);
    process.exit(1);
  },
);
