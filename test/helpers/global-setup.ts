/** Nothing to share across workers yet; e2e tests build the app themselves (see test/helpers/browser.ts). */
export default function setup(): void {}
