/**
 * Real tools read our files: networkx (GraphML, GEXF) and Graphviz (DOT).
 * These tests never skip: on a machine without the tools they fail and say
 * how to install them (`apt-get install python3-networkx graphviz`; .ci/run
 * is expected to install them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABELS, sampleInput } from '../fixtures/formats/sample-map';
import { exportDot, exportGexf, exportGraphml, exportPng, exportSvg } from '../../src/core/formats';
import { children, parseXml, textOf, type XmlNode } from '../../src/core/formats/xml';

const INSTALL = 'apt-get install python3-networkx graphviz';
const dir = mkdtempSync(path.join(tmpdir(), 'causeway-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} is not installed here; install it with: ${INSTALL}`);
  }
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function networkx(reader: 'read_graphml' | 'read_gexf', file: string) {
  const script = [
    'import json, sys',
    'try:',
    '    import networkx',
    'except ImportError:',
    `    sys.exit("networkx is not installed here; install it with: ${INSTALL}")`,
    `g = networkx.${reader}(sys.argv[1])`,
    'print(json.dumps({"type": type(g).__name__, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),',
    '  "selfloops": networkx.number_of_selfloops(g), "labels": sorted(str(d.get("label", "")) for _, d in g.nodes(data=True)),',
    '  "polarities": sorted(str(d.get("polarity")) for _, _, d in g.edges(data=True)),',
    '  "delays": sum(1 for _, _, d in g.edges(data=True) if d.get("delay") is True)}))',
  ].join('\n');
  return JSON.parse(run('python3', ['-c', script, file])) as {
    type: string; nodes: number; edges: number; selfloops: number; labels: string[]; polarities: string[]; delays: number;
  };
}

const expectedLabels = Object.values(LABELS).map(String).sort();

describe('networkx reads our GraphML and GEXF', () => {
  it('read_graphml: 6 nodes, 8 edges (a multigraph: parallel links kept), a self-loop, labels, polarity, delays', () => {
    const file = path.join(dir, 'map.graphml');
    writeFileSync(file, exportGraphml(sampleInput()));
    const graph = networkx('read_graphml', file);
    expect(graph).toMatchObject({ type: 'MultiDiGraph', nodes: 6, edges: 8, selfloops: 1, delays: 2 });
    expect(graph.labels).toEqual(expectedLabels);
    expect(graph.polarities).toEqual(['+', '+', '+', '+', '-', '-', '-', '?']);
  });

  it('read_gexf (GEXF 1.3): the same counts and attributes', () => {
    const file = path.join(dir, 'map.gexf');
    writeFileSync(file, exportGexf(sampleInput()));
    const graph = networkx('read_gexf', file);
    expect(graph).toMatchObject({ type: 'MultiDiGraph', nodes: 6, edges: 8, selfloops: 1, delays: 2 });
    expect(graph.labels).toEqual(expectedLabels);
    expect(graph.polarities).toEqual(['+', '+', '+', '+', '-', '-', '-', '?']);
  });
});

describe('Graphviz lays out our DOT', () => {
  it('dot -Tsvg: 6 nodes, 8 edges, every label as text', () => {
    const svg = run('dot', ['-Tsvg'], exportDot(sampleInput()));
    const nodes = svg.match(/<g id="[^"]*" class="node">/g) ?? [];
    const edges = svg.match(/<g id="[^"]*" class="edge">/g) ?? [];
    expect(nodes).toHaveLength(6);
    expect(edges).toHaveLength(8);
    // Graphviz's SVG starts with a DOCTYPE, which our reader refuses by design: drop it to read the rest.
    const doc = parseXml(svg.replace(/<!DOCTYPE[^>]*>/, ''), ['g', 'text'], 'SVG');
    const texts: string[] = [];
    const walk = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      for (const t of children(node, 'text')) texts.push(textOf(t));
      for (const g of children(node, 'g')) walk(g);
      for (const a of children(node, 'a')) walk(a);
    };
    walk(children(doc, 'svg')[0]);
    for (const label of Object.values(LABELS)) expect(texts, label).toContain(label);
    expect(texts.filter((t) => t === '‖')).toHaveLength(2);
    expect(texts.filter((t) => t === '−')).toHaveLength(3);
  });
});

describe('SVG and PNG', () => {
  it('the SVG is well-formed XML with one shape per factor and one path per link, labels as text', () => {
    const svg = exportSvg(sampleInput());
    const doc = parseXml(svg, ['g', 'text', 'tspan', 'path', 'line'], 'SVG');
    const root = children(doc, 'svg')[0]!;
    const groups = children(root, 'g')[0]!;
    const byClass = (node: XmlNode, cls: string) => children(node, 'g').filter((g) => g['@_class'] === cls);
    const factors = byClass(byClass(groups, 'factors')[0]!, 'factor');
    const links = byClass(byClass(groups, 'links')[0]!, 'link');
    expect(factors).toHaveLength(6);
    expect(links).toHaveLength(8);
    expect(factors.map((f) => textOf(children(f, 'title')[0])).sort()).toEqual(expectedLabels);
    expect(factors.find((f) => f['@_data-id'] === 'c')!['ellipse']).toBeDefined();
    expect(factors.find((f) => f['@_data-id'] === 'd')!['polygon']).toBeDefined();
    expect(links.filter((l) => l['@_data-delay'] === 'true')).toHaveLength(2);
    // Each delayed link carries its two "‖" strokes; "?" links are dashed.
    for (const l of links.filter((x) => x['@_data-delay'] === 'true')) expect(children(l, 'line')).toHaveLength(2);
    const dashed = links.filter((l) => children(l, 'path')[0]!['@_stroke-dasharray']);
    expect(dashed.map((l) => l['@_data-id'])).toEqual(['l6']);
    const glyphs = links.map((l) => textOf(children(l, 'text')[0]));
    expect(glyphs.sort()).toEqual(['+', '+', '+', '+', '?', '−', '−', '−']);
    const sections = byClass(byClass(groups, 'sections')[0]!, 'section');
    expect(sections.map((g) => textOf(children(g, 'text')[0]))).toEqual(['Commissioning <priorities>']);
    const loopLines = byClass(root, 'loop-list')[0]!;
    const listed = children(loopLines, 'text').map(textOf);
    expect(listed[0]).toBe('Feedback loops: 4');
    expect(listed).toContain(`B1 “The churn trap <b>” (delayed): ${LABELS.a} → ${LABELS.b} → ${LABELS.a}`);
  });

  it('PNG: resvg renders the SVG to a PNG of the SVG\'s size', async () => {
    const svg = exportSvg(sampleInput());
    const [, width, height] = /width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
    const png = await exportPng(sampleInput());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(Math.round(Number(width)));
    expect(Math.abs(view.getUint32(20) - Number(height))).toBeLessThanOrEqual(1);
    expect(png.length).toBeGreaterThan(10_000);
    const small = await exportPng(sampleInput(), { maxSize: 300 });
    expect(new DataView(small.buffer, small.byteOffset).getUint32(16)).toBe(300);
  });
});
