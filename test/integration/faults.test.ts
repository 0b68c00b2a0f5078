import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addFactor, readNodes, updateFactor } from '../../src/core/model';
import { connectClient, waitFor, waitSynced, type Client } from '../helpers/clients';
import { createMap, spawnServer, startTestServer, tempDataDir, type ServerProcess, type TestServer } from '../helpers/server';

const clients: Client[] = [];
const processes: ServerProcess[] = [];
const servers: TestServer[] = [];
const mounts: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of processes.splice(0)) p.child.kill('SIGKILL');
  for (const s of servers.splice(0)) await s.close().catch(() => {});
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      // Already gone.
    }
  }
});

function labels(client: Client): Set<string> {
  return new Set(readNodes(client.doc).map((n) => n.label));
}

describe('faults', () => {
  it('the server killed with SIGKILL five times while 20 clients edit: every edit of every client survives', async () => {
    const dataDir = tempDataDir();
    let server = await spawnServer({ dataDir });
    processes.push(server);
    const port = server.port;
    const map = await createMap(server.url, { title: 'Crash test' });
    const people = Array.from({ length: 20 }, (_, i) => connectClient(server.wsUrl, map.id, map.tokens.editor, { client: `person${i}` }));
    clients.push(...people);
    await Promise.all(people.map((c) => waitSynced(c, 20_000)));

    const EDITS = 15;
    const expected = new Set<string>();
    let killing = true;
    // Everyone edits at their own pace, whether or not the server is up.
    const editing = Promise.all(people.map(async (client, i) => {
      for (let n = 0; n < EDITS; n++) {
        const label = `p${i}-e${n}`;
        const id = addFactor(client.doc, { label, x: i * 10, y: n * 10 });
        if (n % 3 === 0) updateFactor(client.doc, id, { note: `note ${label}` });
        expected.add(label);
        await new Promise((r) => setTimeout(r, 40 + ((i * 7 + n * 13) % 60)));
      }
    }));
    const crashes = (async () => {
      for (let k = 0; k < 5; k++) {
        await new Promise((r) => setTimeout(r, 250));
        server.child.kill('SIGKILL');
        await server.exited;
        await new Promise((r) => setTimeout(r, 100));
        server = await spawnServer({ dataDir, port });
        processes.push(server);
      }
      killing = false;
    })();
    await Promise.all([editing, crashes]);
    expect(killing).toBe(false);
    expect(expected.size).toBe(20 * EDITS);

    // Every client reconnects and delivers what it held; a fresh client then sees it all.
    await Promise.all(people.map((c) => waitSynced(c, 30_000)));
    const fresh = connectClient(server.wsUrl, map.id, map.tokens.viewer);
    clients.push(fresh);
    await waitFor(() => labels(fresh).size === expected.size, `a fresh client to see all ${expected.size} edits`, 30_000);
    expect([...labels(fresh)].sort()).toEqual([...expected].sort());
    const notes = readNodes(fresh.doc).filter((n) => n.note.startsWith('note '));
    expect(notes.length).toBe(20 * Math.ceil(EDITS / 3));
    // All 20 editing replicas agree with it too.
    for (const person of people) await waitFor(() => labels(person).size === expected.size, 'every replica to converge', 30_000);
  }, 120_000);

  it('a full disk during writes is reported, no acknowledged edit is lost, and held edits arrive once there is room', async () => {
    const dir = tempDataDir('causeway-fulldisk-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    } catch (error) {
      throw new Error(`This test needs to mount a small tmpfs as root to fill a real disk (${(error as Error).message}). Run the tests as root, as CI does.`);
    }
    mounts.push(dir);
    const logs: string[] = [];
    const dataDir = path.join(dir, 'data');
    let server = await startTestServer({ dataDir, log: (line) => logs.push(line) });
    servers.push(server);
    const map = await createMap(server.url, { title: 'Full disk' });
    const writer = connectClient(server.wsUrl, map.id, map.tokens.editor, { client: 'writer' });
    const witness = connectClient(server.wsUrl, map.id, map.tokens.viewer, { client: 'witness' });
    clients.push(writer, witness);
    await Promise.all([waitSynced(writer), waitSynced(witness)]);

    // Leave a little room, then write until the disk is full.
    const filler = path.join(dir, 'filler');
    const free = () => {
      const stat = fs.statfsSync(dir);
      return stat.bavail * stat.bsize;
    };
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 400 * 1024)));
    const written: string[] = [];
    const bigNote = 'x'.repeat(9_000);
    for (let n = 0; n < 200 && !logs.some((l) => l.includes('store failed')); n++) {
      const label = `edit ${n}`;
      addFactor(writer.doc, { label, note: bigNote });
      written.push(label);
      await new Promise((r) => setTimeout(r, 15));
    }
    await waitFor(() => logs.some((l) => l.includes('store failed')), 'the server to report the full disk', 20_000);
    expect(logs.find((l) => l.includes('store failed'))).toMatch(/SQLITE_FULL|full|no space/i);

    // What the witness saw was stored before it was relayed: it must survive.
    const acknowledged = labels(witness);
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(written.length);

    // Room again; the writer still holds everything it wrote and delivers it on its own.
    fs.rmSync(filler);
    await waitFor(() => labels(witness).size === written.length, 'the held edits to arrive once there is room', 30_000);

    await server.close();
    servers.length = 0;
    server = await startTestServer({ dataDir });
    servers.push(server);
    const fresh = connectClient(server.wsUrl, map.id, map.tokens.viewer);
    clients.push(fresh);
    await waitSynced(fresh);
    const after = labels(fresh);
    for (const label of acknowledged) expect(after.has(label), label).toBe(true);
    expect(after.size).toBe(written.length);
  }, 120_000);
});
