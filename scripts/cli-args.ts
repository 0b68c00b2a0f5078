/**
 * Map and snapshot ids are random and may begin with a dash ("-jpNR4k…"). Node's parseArgs takes
 * such a value for an option of its own and stops ("argument is ambiguous") unless it is written
 * `--map=-jpNR4k…`, which nobody would guess. So each option that takes a value is joined to the
 * argument after it before parsing, whatever that argument starts with.
 */
export function joinOptionValues(argv: readonly string[], takesValue: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && takesValue.has(arg.slice(2)) && next !== undefined) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
