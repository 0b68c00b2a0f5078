/**
 * PNG: the SVG export rendered by resvg (@resvg/resvg-js, a native module
 * that ships its binary inside npm packages). Server only: the browser makes
 * its PNG from the live canvas (html-to-image) instead.
 *
 * Text uses the fonts installed on the machine (DejaVu / Liberation on
 * Debian); with no fonts at all the shapes and arrows still render, labels do
 * not. The image is at most `maxSize` pixels on its longer side (default
 * 4096), scaled down to fit.
 */
import { exportSvg } from './svg';
import type { ExportInput } from './types';

type ResvgModule = typeof import('@resvg/resvg-js');

// A variable specifier keeps bundlers from pulling the native module into the browser build.
const RESVG = '@resvg/resvg-js';
let loaded: Promise<ResvgModule> | null = null;

function loadResvg(): Promise<ResvgModule> {
  loaded ??= import(/* @vite-ignore */ RESVG).then((m: ResvgModule & { default?: ResvgModule }) => (m.Resvg ? m : m.default!));
  return loaded;
}

export interface PngOptions {
  maxSize?: number;
}

export async function exportPng(input: ExportInput, options: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await loadResvg();
  const svg = exportSvg(input);
  const maxSize = options.maxSize ?? 4096;
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const width = size ? Number(size[1]) : maxSize;
  const height = size ? Number(size[2]) : maxSize;
  const fitTo = width >= height
    ? { mode: 'width' as const, value: Math.min(maxSize, Math.round(width)) }
    : { mode: 'height' as const, value: Math.min(maxSize, Math.round(height)) };
  const resvg = new Resvg(svg, {
    fitTo,
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}
