import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { builtAppDir, launchBrowser } from './browser';
import { joinAs, type Person } from './people';
import { startTestServer, type TestServer } from './server';

export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new person (browser context) joined to a link; closed when the suite ends. */
  join(link: string, name: string, options?: Parameters<typeof joinAs>[3]): Promise<Person>;
}

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
