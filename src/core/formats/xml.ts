/**
 * XML reading and writing shared by GraphML, GEXF and SVG.
 *
 * Reading is safe by construction: a file that declares a DOCTYPE or an
 * ENTITY is refused before it reaches the parser, so no external entity is
 * ever fetched and no entity is ever expanded (billion laughs). Only the five
 * predefined entities and numeric character references are decoded.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ImportError } from './types';

export type XmlNode = Record<string, unknown>;

/** Attribute names carry this prefix in parsed nodes (`@_id`). */
export const ATTR = '@_';

const DECLARATION_RE = /<!\s*(DOCTYPE|ENTITY)/i;

/**
 * Parses `text` into plain objects. `arrays` lists the tag names that are
 * always returned as arrays (e.g. `node`, `edge`, `data`).
 */
export function parseXml(text: string, arrays: readonly string[], what: string): XmlNode {
  const declaration = DECLARATION_RE.exec(text);
  if (declaration) {
    const line = text.slice(0, declaration.index).split('\n').length;
    throw new ImportError(`${what} files with a <!${declaration[1]!.toUpperCase()}> declaration are not accepted (line ${line}): external and custom entities are never read.`);
  }
  const check = XMLValidator.validate(text);
  if (check !== true) {
    throw new ImportError(`The ${what} file is not well-formed XML (line ${check.err.line}, column ${check.err.col}): ${check.err.msg}`);
  }
  const arraySet = new Set(arrays);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    // Predefined entities and &#NN; / &#xNN; references only (the DOCTYPE
    // check above means no declared entity can exist).
    processEntities: true,
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    removeNSPrefix: false,
    isArray: (name) => arraySet.has(localName(name)),
  });
  try {
    return parser.parse(text) as XmlNode;
  } catch (error) {
    throw new ImportError(`The ${what} file could not be read: ${(error as Error).message}`);
  }
}

/** `viz:position` → `position`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** Child elements named `name` (any namespace prefix), always as an array. */
export function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const out: XmlNode[] = [];
  for (const [key, value] of Object.entries(node as XmlNode)) {
    if (key.startsWith(ATTR) || localName(key) !== name) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item && typeof item === 'object') out.push(item as XmlNode);
      else if (typeof item === 'string') out.push({ '#text': item });
      else if (item === '' || item === undefined || item === null) out.push({});
    }
  }
  return out;
}

export function child(node: unknown, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as XmlNode)[ATTR + name];
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value);
}

/** The text content of an element (nested mixed content is flattened). */
export function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  const record = node as XmlNode;
  if ('#text' in record) return textOf(record['#text']);
  return '';
}

/** Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const INVALID_XML_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for XML content and attribute values (both quote kinds, and newlines in attributes). */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML_RE, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Removes characters XML 1.0 cannot carry (for writers that escape on their own). */
export function xmlSafe(value: string): string {
  return value.replace(INVALID_XML_RE, '');
}
