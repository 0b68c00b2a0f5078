/**
 * Graphviz DOT (export only). `dot -Tsvg map.dot > map.svg` lays the map out
 * afresh (positions are not written: Graphviz's own layout reads better).
 *
 * Factors are nodes with their label and a shape per kind; links are edges
 * with the polarity sign at the head (headlabel), a "‖" label and a double
 * line for a delay, and a dashed line for "?". The loop list is written as
 * comments at the top. Every string is a quoted DOT string with `"` and `\`
 * escaped and line breaks turned into `\n`, so no label can end the string,
 * inject attributes or use Graphviz escapes such as `\N`.
 */
import { liveEdges, loopLabels, loopName, sortedById, type ExportInput } from './types';

/** A DOT quoted string. */
export function dotString(value: string): string {
  const escaped = value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n?|\n/g, '\\n');
  return `"${escaped}"`;
}

/** A comment line: no line break can end it early. */
function comment(value: string): string {
  return `// ${value.replace(/[\r\n\u2028\u2029]+/g, ' ')}`;
}

const SHAPES: Record<string, string> = {
  factor: 'shape=box, style="rounded"',
  barrier: 'shape=box, style="filled", fillcolor="#fde2e1", color="#b42318"',
  outcome: 'shape=ellipse, style="filled", fillcolor="#e0f2fe", color="#075985"',
  innovation: 'shape=hexagon, style="filled", fillcolor="#dcfce7", color="#166534"',
};

const POLARITY_GLYPH: Record<string, string> = { '+': '+', '-': '−', '?': '?' };

export function exportDot(input: ExportInput): string {
  const labels = new Map(input.nodes.map((n) => [n.id, n.label]));
  const loopIds = loopLabels(input.loops);
  const lines: string[] = [];
  lines.push(comment(`Causal loop diagram exported from Causeway: ${input.title || 'Untitled map'}`));
  lines.push(comment(`Feedback loops${input.loopsComplete ? '' : ' (the list stopped at a cap: not every loop is listed)'}: ${input.loops.length}`));
  for (const loop of input.loops) {
    const name = loopName(loop, input);
    const path = [...loop.nodeIds, loop.nodeIds[0]!].map((id) => labels.get(id) ?? id).join(' -> ');
    lines.push(comment(`${loopIds.get(loop.id)}${name ? ` "${name}"` : ''}${loop.delayed ? ' (delayed)' : ''}: ${path}`));
  }
  lines.push(`digraph ${dotString(input.title || 'map')} {`);
  lines.push(`  graph [label=${dotString(input.title)}, labelloc="t", fontname="Helvetica", rankdir="LR"];`);
  lines.push('  node [fontname="Helvetica", fontsize=12, margin="0.15,0.08"];');
  lines.push('  edge [fontname="Helvetica", fontsize=14, arrowsize=0.8];');
  for (const n of sortedById(input.nodes)) {
    const shape = SHAPES[n.kind] ?? SHAPES.factor!;
    lines.push(`  ${dotString(n.id)} [label=${dotString(n.label)}, ${shape}];`);
  }
  for (const e of liveEdges(input)) {
    const attrs = [
      `id=${dotString(e.id)}`,
      `headlabel=${dotString(POLARITY_GLYPH[e.polarity] ?? '?')}`,
      'labeldistance=1.6',
      'labelangle=-30',
    ];
    if (e.polarity === '?') attrs.push('style="dashed"');
    if (e.delay) attrs.push(`label=${dotString('‖')}`, 'color="black:invis:black"');
    lines.push(`  ${dotString(e.source)} -> ${dotString(e.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
