import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS, ImportError, exportMap, importFile, type ImportFormat } from '../../src/core/formats';
import { parseMapJson } from '../../src/core/formats/json';
import { mutate, prng, randomBytes, randomInt } from '../helpers/prng';
import { sampleInput } from '../fixtures/formats/sample-map';

/**
 * Seeded fuzzing of every importer: valid files of each format, mutated
 * (bit flips, insertions, deletions, truncation) or replaced by random bytes.
 * An importer may accept a mutated file (it can still be valid) but must then
 * return a checked map; otherwise it must refuse with an ImportError — never
 * another exception, never a hang (each file is bounded by the test timeout).
 */
const SEED = 881;
const RUNS_PER_FORMAT = 150;

async function seeds(): Promise<Record<ImportFormat, Uint8Array[]>> {
  const text = (s: string) => new TextEncoder().encode(s);
  const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url)));
  const input = sampleInput();
  const exported = async (format: 'json' | 'csv' | 'graphml' | 'gexf' | 'mdl') => {
    const body = (await exportMap(format, input)).body;
    return typeof body === 'string' ? text(body) : body;
  };
  return {
    json: [await exported('json')],
    csv: [await exported('csv'), fixture('links-semicolon.csv')],
    graphml: [await exported('graphml'), fixture('yed.graphml')],
    gexf: [await exported('gexf'), fixture('gephi.gexf')],
    mdl: [await exported('mdl'), fixture('vensim-cld.mdl')],
    kumu: [fixture('kumu-simple.json'), fixture('kumu-blueprint.json')],
    prsm: [fixture('prsm-plain.prsm')],
    loopy: [fixture('loopy-link.txt')],
  };
}

describe('import fuzzing (seeded)', () => {
  it('every importer either returns a checked map or refuses with an ImportError', async () => {
    const random = prng(SEED);
    const material = await seeds();
    const outcomes: Record<string, { accepted: number; refused: number }> = {};
    for (const format of Object.keys(IMPORT_FORMATS) as ImportFormat[]) {
      outcomes[format] = { accepted: 0, refused: 0 };
      // The unmutated files import.
      for (const file of material[format]) expect(() => importFile(format, file), `${format} seed`).not.toThrow();
      for (let run = 0; run < RUNS_PER_FORMAT; run++) {
        const base = material[format][randomInt(random, material[format].length)]!;
        const file = random() < 0.85 ? mutate(random, base) : randomBytes(random, randomInt(random, 300));
        let result;
        try {
          result = importFile(format, file);
        } catch (error) {
          expect(error, `${format} run ${run}: ${(error as Error).message}`).toBeInstanceOf(ImportError);
          expect((error as Error).message.length).toBeGreaterThan(5);
          outcomes[format]!.refused++;
          continue;
        }
        // Accepted: it must be a map that passes the same checks as a causeway-map file.
        expect(() => parseMapJson(result), `${format} run ${run}`).not.toThrow();
        outcomes[format]!.accepted++;
      }
    }
    // The fuzzer reached both outcomes overall (it is not only producing garbage, nor only valid files).
    const total = Object.values(outcomes).reduce((n, o) => ({ accepted: n.accepted + o.accepted, refused: n.refused + o.refused }), { accepted: 0, refused: 0 });
    expect(total.accepted).toBeGreaterThan(0);
    expect(total.refused).toBeGreaterThan(0);
  }, 120_000);
});
