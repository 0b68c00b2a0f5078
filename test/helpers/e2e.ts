import type { Browser } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { builtAppDir, launchBrowser } from './browser';
import { joinAs, type Person } from './people';
import { startTestServer, type TestServer } from './server';

export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new person (browser context) joined to a link; closed when the suite ends. */
  join(link: string, name: string, options?: Parameters<typeof joinAs>[3]): Promise<Person>;
}

const FAILURES = path.resolve('test-results', 'failures');

/** Run in the page (as a string, so no bundler helper names leak into it): what a person had in hand. */
const DESCRIBE_PAGE = `(() => {
  const label = (el) => (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.getAttribute('class') || el.tagName).toString().slice(0, 80);
  const selected = [...document.querySelectorAll('.react-flow__node.selected, .react-flow__edge.selected')].map(label);
  const active = document.activeElement ? label(document.activeElement) : 'none';
  const viewport = document.querySelector('.react-flow__viewport');
  // Where the first factors are on screen, whether a link was being drawn, and the last pointer
  // position: the mouse e2e twice found the view at translate(15462px, 5700.13px) while a link was held.
  const factors = [...document.querySelectorAll('.react-flow__node-factor')].slice(0, 8).map((n) => {
    const r = n.getBoundingClientRect();
    return (n.querySelector('.factor__label')?.textContent ?? '').slice(0, 24) + ' @ ' + Math.round(r.x) + ',' + Math.round(r.y);
  });
  const drawing = document.querySelector('.react-flow__connectionline') !== null;
  const pointer = document.documentElement.getAttribute('data-last-pointer');
  return JSON.stringify({ url: location.pathname + location.search, selected, focused: active, view: viewport ? viewport.style.transform : null, factors, drawing, pointer, panel: (document.querySelector('[role="tabpanel"]')?.textContent ?? '').slice(0, 160) });
})()`;

/**
 * The real server serving the built app, and one Chromium, for the tests of
 * one file; every person joined through it is closed at the end.
 */
export function useBrowserSuite(): BrowserSuite {
  let server: TestServer | null = null;
  let browser: Browser | null = null;
  const people: Person[] = [];
  beforeAll(async () => {
    server = await startTestServer({ staticDir: builtAppDir() });
    browser = await launchBrowser();
  });
  // A failure that does not come back when the test is run again leaves only its message: say
  // what each person's page looked like then (a picture under test-results/, and in the log what
  // was selected, focused and where the view was), to find the race.
  let joinedBefore = 0;
  afterEach(async ({ task }) => {
    const joined = people.slice(joinedBefore);
    joinedBefore = people.length;
    if (task.result?.state !== 'fail') return;
    fs.mkdirSync(FAILURES, { recursive: true });
    for (const person of joined) {
      // The test's name is cut, never the person's: cut after it, every person's picture had one name.
      const name = `${task.name.replace(/[^\w-]+/g, '_').slice(0, 100)}-${person.name.replace(/[^\w-]+/g, '_')}`;
      await person.page.screenshot({ path: path.join(FAILURES, `${name}.png`) }).catch(() => {});
      const state = await person.page.evaluate(DESCRIBE_PAGE).catch((error: Error) => `(page not readable: ${error.message})`);
      console.error(`[failure state] ${person.name}: ${state}`);
    }
  });
  afterAll(async () => {
    for (const person of people) await person.context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('The suite has not started yet (use it inside a test).');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('The suite has not started yet (use it inside a test).');
      return browser;
    },
    async join(link, name, options) {
      const person = await joinAs(browser!, link, name, options);
      people.push(person);
      return person;
    },
  };
}
