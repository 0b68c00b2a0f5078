import { describe, expect, it } from 'vitest';
import { parseArgs } from 'node:util';
import { joinOptionValues } from '../../scripts/cli-args';

const valued = new Set(['map', 'out']);

describe('export command line arguments', () => {
  it('takes an id that begins with a dash as the value of the option before it', () => {
    const args = joinOptionValues(['--map', '-jpNR4k', '--out', 'x.graphml', '--help'], valued);
    expect(args).toEqual(['--map=-jpNR4k', '--out=x.graphml', '--help']);
    const { values } = parseArgs({ args, options: { map: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
    expect(values).toEqual({ map: '-jpNR4k', out: 'x.graphml', help: true });
  });

  it('leaves options already written with =, flags, and an option with nothing after it as they are', () => {
    expect(joinOptionValues(['--map=-a', '--help', '--map'], valued)).toEqual(['--map=-a', '--help', '--map']);
    // Without a value, parseArgs still says so plainly.
    expect(() => parseArgs({ args: ['--map'], options: { map: { type: 'string' } }, strict: true })).toThrow(/argument missing/);
  });
});
