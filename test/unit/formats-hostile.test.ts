import Papa from 'papaparse';
import { compressToUTF16 } from 'lz-string';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LABELS, sampleInput } from '../fixtures/formats/sample-map';
import {
  IMPORT_FORMATS, IMPORT_MAX_BYTES, ImportError, exportCsv, exportGexf, exportGraphml, exportSvg, importCsvFiles,
  importFile, neutraliseCell, type ImportFormat,
} from '../../src/core/formats';
import { decompressFromUtf16, PRSM_MAX_EXPANDED_CHARS } from '../../src/core/formats/prsm';
import { addFactor, initMap, readMap } from '../../src/core/model';

function importError(format: ImportFormat, input: string | Uint8Array): ImportError {
  try {
    importFile(format, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return error as ImportError;
  }
  throw new Error(`${format}: the import was expected to fail`);
}

const GRAPHML_HEAD = '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="l" for="node" attr.name="label" attr.type="string"/>';

describe('size cap', () => {
  it('refuses a file over IMPORT_MAX_BYTES in every format, before reading it', () => {
    expect(IMPORT_MAX_BYTES).toBe(5 * 1024 * 1024);
    const big = new Uint8Array(IMPORT_MAX_BYTES + 1).fill(0x7b); // "{{{{…": would be a JSON error if parsed
    for (const format of Object.keys(IMPORT_FORMATS) as ImportFormat[]) {
      expect(importError(format, big).message, format).toMatch(/too large.*limit is 5\.0 MiB/);
    }
    expect(importError('csv', 'source,target\n' + 'a,b\n'.repeat(IMPORT_MAX_BYTES / 4)).message).toMatch(/too large/);
  });

  it('accepts a file just under the cap', () => {
    const links = `source,target,polarity\n${'a,b,+\n'.repeat(10)}`;
    const padded = links + ' '.repeat(IMPORT_MAX_BYTES - links.length);
    expect(importFile('csv', padded).edges).toHaveLength(10);
  });
});

describe('XML is read without external entities', () => {
  const xxe = (root: string) => `<?xml version="1.0"?>\n<!DOCTYPE ${root} [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n`;
  const laughs = (root: string) => `<?xml version="1.0"?>\n<!DOCTYPE ${root} [\n<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n`;

  it('refuses GraphML with an external SYSTEM entity, naming the declaration', () => {
    const file = `${xxe('graphml')}${GRAPHML_HEAD.replace('<?xml version="1.0"?>', '')}<graph edgedefault="directed"><node id="n"><data key="l">&xxe;</data></node></graph></graphml>`;
    expect(importError('graphml', file).message).toMatch(/<!DOCTYPE> declaration are not accepted \(line 2\)/);
  });

  it('refuses GraphML and GEXF "billion laughs"', () => {
    const graphml = `${laughs('graphml')}${GRAPHML_HEAD.replace('<?xml version="1.0"?>', '')}<graph><node id="n"><data key="l">&lol3;</data></node></graph></graphml>`;
    expect(importError('graphml', graphml).message).toMatch(/DOCTYPE/);
    const gexf = `${laughs('gexf')}<gexf version="1.3"><graph><nodes><node id="n" label="&lol3;"/></nodes></graph></gexf>`;
    expect(importError('gexf', gexf).message).toMatch(/DOCTYPE/);
    const gexfXxe = `${xxe('gexf')}<gexf version="1.3"><graph><nodes><node id="n" label="&xxe;"/></nodes></graph></gexf>`;
    expect(importError('gexf', gexfXxe).message).toMatch(/DOCTYPE/);
  });

  it('refuses a bare ENTITY declaration too', () => {
    expect(importError('graphml', `<!ENTITY x "y">${GRAPHML_HEAD}</graphml>`).message).toMatch(/<!ENTITY> declaration/);
  });

  it('never expands an undeclared entity reference: it stays text', () => {
    const file = `${GRAPHML_HEAD}<graph><node id="n"><data key="l">&xxe; &amp;lt;b&amp;gt; &#60;i&#62;</data></node></graph></graphml>`;
    expect(importFile('graphml', file).nodes[0]!.label).toBe('&xxe; &lt;b&gt; <i>');
  });
});

describe('labels are text, never markup', () => {
  it('<script> and quotes survive GraphML, GEXF and CSV imports as the same characters', () => {
    const label = `<script>alert("x")</script> & 'q'`;
    const graphml = `${GRAPHML_HEAD}<graph><node id="n"><data key="l">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;</data></node></graph></graphml>`;
    expect(importFile('graphml', graphml).nodes[0]!.label).toBe(label);
    const gexf = `<gexf version="1.3"><graph defaultedgetype="directed"><nodes><node id="n" label="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q'"/></nodes></graph></gexf>`;
    expect(importFile('gexf', gexf).nodes[0]!.label).toBe(label);
    expect(importFile('csv', `source,target\n"${label.replace(/"/g, '""')}",b\n`).nodes[0]!.label).toBe(label);
  });

  it('exports never let a label become markup: the SVG has exactly the elements it draws', () => {
    const svg = exportSvg(sampleInput());
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(exportGraphml(sampleInput())).not.toContain('<script');
    expect(exportGexf(sampleInput())).not.toContain('<script');
  });
});

describe('CSV formula injection', () => {
  it('neutralises cells that begin with = + - @ (and tab) by prefixing an apostrophe', () => {
    expect(['=1+2', '+1', '-2', '@SUM(A1)', '\tx', 'plain', '1-2'].map(neutraliseCell)).toEqual(["'=1+2", "'+1", "'-2", "'@SUM(A1)", "'\tx", 'plain', '1-2']);
    const { files } = exportCsv(sampleInput());
    const factors = Papa.parse<Record<string, string>>(files['factors.csv'], { header: true, skipEmptyLines: true }).data;
    const e = factors.find((r) => r.id === 'e')!;
    expect(e.label).toBe(`'${LABELS.e}`);
    expect(e.note).toBe("'@SUM(A1)");
    expect(factors.find((r) => r.id === 'f')!.label).toBe(`'${LABELS.f}`);
    expect(factors.find((r) => r.id === 'a')!.tags).toBe("'+plus; funding");
    // Numbers and the fixed polarity values are left as they are.
    expect(factors.find((r) => r.id === 'b')!.y).toBe('-40');
    const links = Papa.parse<Record<string, string>>(files['links.csv'], { header: true, skipEmptyLines: true }).data;
    expect(links.find((r) => r.id === 'l8')!.source_label).toBe(`'${LABELS.e}`);
    expect(links.find((r) => r.id === 'l2')!.polarity).toBe('-');
    // No text cell of any file starts a formula.
    for (const text of Object.values(files)) {
      for (const row of Papa.parse<string[]>(text, { skipEmptyLines: true }).data) {
        for (const cell of row) {
          if (/^-?\d+(\.\d+)?$/.test(cell) || cell === '-' || cell === '+') continue;
          expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    }
  });

  it('the importer takes the apostrophe off again', () => {
    const { files } = exportCsv(sampleInput());
    const parsed = importCsvFiles({ links: files['links.csv'], factors: files['factors.csv'] });
    expect(parsed.nodes.find((n) => n.id === 'e')!.label).toBe(LABELS.e);
    expect(parsed.nodes.find((n) => n.id === 'f')!.label).toBe(LABELS.f);
  });
});

describe('malformed files: an ImportError naming the line, field or element', () => {
  it('CSV', () => {
    expect(importError('csv', '').message).toMatch(/empty/);
    expect(importError('csv', 'a,b\n1,2\n').message).toMatch(/"source" and "target"/);
    expect(importError('csv', 'source,target,polarity\nA,B,+\nB,C,sideways\n').message).toBe('links.csv line 3: unknown polarity "sideways" (use +, -, ?, positive, negative, same, opposite, s or o).');
    expect(importError('csv', 'source,target,polarity\n"multi\nline",B,+\nB,,+\n').message).toMatch(/^links\.csv line 4: the target is empty/);
    expect(importError('csv', 'source,target,delay\nA,B,maybe\n').message).toMatch(/line 2: delay "maybe"/);
    expect(importError('csv', 'source,target\nA,"unterminated\n').message).toMatch(/line 2: Quoted field unterminated/);
    expect(importError('csv', `source,target\n${'x'.repeat(301)},B\n`).message).toMatch(/line 2: the label is longer than 300/);
    expect(() => importCsvFiles({ links: 'source,target\nA,Z\n', factors: 'id,label\nA,Alpha\n' })).toThrow(/links\.csv line 2: the target "Z" is not a factor/);
    expect(() => importCsvFiles({ links: 'source,target\nA,A\n', factors: 'id,label,kind\nA,Alpha,dragon\n' })).toThrow(/factors\.csv line 2: unknown kind "dragon"/);
    expect(() => importCsvFiles({ links: 'source,target\nA,A\n', factors: 'id,label,x\nA,Alpha,left\n' })).toThrow(/factors\.csv line 2: x "left" is not a number/);
  });

  it('GraphML', () => {
    expect(importError('graphml', '<graphml><graph><node id="a"></graph></graphml>').message).toMatch(/not well-formed XML \(line 1, column \d+\)/);
    expect(importError('graphml', '<gexf/>').message).toMatch(/not a GraphML file/);
    expect(importError('graphml', `${GRAPHML_HEAD}<graph><node id="a"/><edge id="e1" source="a" target="ghost"/></graph></graphml>`).message).toBe('GraphML edge "e1": target "ghost" is not a node of the graph.');
    expect(importError('graphml', `${GRAPHML_HEAD}<graph><node id="a"/><node id="a"/></graph></graphml>`).message).toMatch(/node "a": the id is used twice/);
    expect(importError('graphml', `${GRAPHML_HEAD}<key id="p" for="edge" attr.name="polarity"/><graph><node id="a"/><edge source="a" target="a"><data key="p">sideways</data></edge></graph></graphml>`).message).toMatch(/edge #1: unknown polarity "sideways"/);
  });

  it('GEXF', () => {
    expect(importError('gexf', '<gexf><graph><nodes><node id="a" label="x"></nodes></graph></gexf>').message).toMatch(/not well-formed XML/);
    expect(importError('gexf', '<gexf version="1.3"><graph><nodes><node id="a"/></nodes><edges><edge id="0" source="a" target="b"/></edges></graph></gexf>').message).toBe('GEXF edge "0": target "b" is not a node of the graph.');
    expect(importError('gexf', '<gexf version="1.3"><graph><nodes><node id="a"><viz:position x="left" y="0"/></node></nodes></graph></gexf>').message).toMatch(/node "a": viz:position x "left" is not a number/);
  });

  it('Vensim MDL', () => {
    expect(importError('mdl', 'x = 1\n~~|\n').message).toMatch(/no sketch/);
    const head = '\\\\\\---/// Sketch information - do not modify anything except names\nV300  Do not put anything below this section - it will be ignored\n*View 1\n$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n';
    expect(importError('mdl', `{UTF-8}\n${head}10,1,A,100,100,40,20,8,3,0,0,0,0,0,0\n1,2,1,9,0,0,43,0,0,64,0,-1--1--1,,1|(0,0)|\n///---\\\\\\\n`).message).toBe('Vensim file line 7: the arrow points at object 9, which is not in its view.');
    expect(importError('mdl', `${head}10,1,"unclosed,100,100\n`).message).toMatch(/line 5: a quoted name is not closed/);
    expect(importError('mdl', `${head}10,1,A,left,100\n`).message).toMatch(/line 5: the variable "A" has no position/);
    expect(importError('mdl', `${head}10,1,A,1,1\n10,1,B,2,2\n`).message).toMatch(/line 6: object id 1 is used twice/);
  });

  it('Kumu, PRSM, LOOPY and Causeway JSON', () => {
    expect(importError('kumu', '{"elements": [').message).toMatch(/not valid JSON/);
    expect(importError('kumu', '{"nodes": []}').message).toMatch(/not a Kumu JSON file.*\(at elements\)/);
    expect(importError('kumu', '{"elements":[{"label":"A"}],"connections":[{"from":"A","to":"Nobody"}]}').message).toBe('Kumu connection 1: "to" names "Nobody", which is not an element of the file.');
    expect(importError('kumu', '{"elements":[{"label":"A"}],"connections":[{"from":"A","to":"A","direction":"sideways"}]}').message).toMatch(/connection 1: unknown direction/);
    expect(importError('prsm', 'garbage that is not a map').message).toMatch(/not a PRSM file/);
    expect(importError('prsm', '{"nodes":[{"id":"1","label":"A"}],"edges":[{"id":"e","from":"1","to":"2"}]}').message).toBe('PRSM link "e": it ends at "2", which is not a factor of the map.');
    expect(importError('loopy', 'https://ncase.me/loopy/v1.1/?data=[[[1,10,10,0.5,%22A%22,0]],[[1,2,50,1,0]],[],2%5D').message).toMatch(/LOOPY arrow 1: it joins node 2/);
    expect(importError('loopy', 'hello').message).toMatch(/not a LOOPY link/);
    expect(importError('loopy', '[[["a"]],[]]').message).toMatch(/not a LOOPY model file.*at 0\.0/);
    expect(importError('json', '{"format":"causeway-map","version":1,"nodes":[{"id":"a","label":7}],"edges":[]}').message).toMatch(/nodes\.0\.label/);
    expect(importError('json', new Uint8Array([0xff, 0xfe, 0x00])).message).toMatch(/not UTF-8/);
  });
});

describe('compressed PRSM cannot expand without limit', () => {
  it('stops at the cap instead of producing the whole text', () => {
    const original = `{"nodes":[],"pad":"${'x'.repeat(200_000)}"}`;
    const compressed = compressToUTF16(original);
    expect(compressed.length).toBeLessThan(5_000);
    expect(decompressFromUtf16(compressed)).toBe(original);
    expect(() => decompressFromUtf16(compressed, 50_000)).toThrow(/expands to more than 50,000 characters/);
    expect(PRSM_MAX_EXPANDED_CHARS).toBe(8 * IMPORT_MAX_BYTES);
  });
});

describe('imports never touch an existing map', () => {
  it('a failed or successful import leaves a document alone (importers take bytes, return data)', () => {
    const doc = new Y.Doc();
    initMap(doc, { mapId: 'm', title: 'Mine' });
    addFactor(doc, { id: 'keep', label: 'Keep me' });
    const before = Y.encodeStateAsUpdate(doc);
    importError('graphml', '<graphml><graph>');
    const parsed = importFile('csv', 'source,target\nX,Y\n');
    expect(parsed.nodes).toHaveLength(2);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(readMap(doc).nodes.map((n) => n.label)).toEqual(['Keep me']);
  });
});
