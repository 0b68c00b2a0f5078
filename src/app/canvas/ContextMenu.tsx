import { ControlledMenu, MenuDivider, MenuHeader, MenuItem, SubMenu } from '@szhsin/react-menu';
import '@szhsin/react-menu/dist/index.css';
import { useCallback } from 'react';
import type { NodeKind } from '../../core/model/types';
import { useEditor } from '../editor/context';
import { POLARITY_GLYPH, POLARITY_NAMES, labelText } from '../editor/describe';
import { useUi, type UiState } from '../editor/ui-state';
import { ALL_KINDS } from './kinds';

const selectMenu = (s: UiState) => s.menu;

/** Writes the selection to the system clipboard from a menu (no keyboard event to carry it). */
async function copyToClipboard(text: string, html: string): Promise<void> {
  if (typeof ClipboardItem !== 'undefined' && navigator.clipboard?.write) {
    await navigator.clipboard.write([new ClipboardItem({
      'text/plain': new Blob([text], { type: 'text/plain' }),
      'text/html': new Blob([html], { type: 'text/html' }),
    })]);
  } else {
    await navigator.clipboard.writeText(text);
  }
}

async function readClipboard(): Promise<{ html?: string; text?: string }> {
  if (navigator.clipboard?.read) {
    const items = await navigator.clipboard.read();
    const out: { html?: string; text?: string } = {};
    for (const item of items) {
      if (item.types.includes('text/html')) out.html = await (await item.getType('text/html')).text();
      if (item.types.includes('text/plain')) out.text = await (await item.getType('text/plain')).text();
    }
    return out;
  }
  return { text: await navigator.clipboard.readText() };
}

/**
 * The menu for a factor, link, section or the empty canvas: right-click,
 * long-press on a touch screen, or Shift+F10 / the Menu key.
 */
export function ContextMenu() {
  const editor = useEditor();
  const menu = useUi(editor.ui, selectMenu);
  const close = useCallback(() => editor.ui.set({ menu: null }), [editor]);
  if (!menu) return null;
  const canEdit = editor.canEdit;
  const { target } = menu;
  const selection = editor.selection();
  const links = selection.links;
  const factors = selection.factors;
  const copy = () => {
    const data = editor.clipboardData();
    if (!data) return;
    copyToClipboard(data.text, data.html).then(
      () => editor.ui.announce(`Copied ${data.count} ${data.count === 1 ? 'factor' : 'factors'}.`),
      () => editor.ui.fail(new Error('The browser did not allow copying. Use Ctrl+C (Cmd+C on a Mac) instead.')),
    );
  };
  const paste = () => {
    readClipboard().then(
      (data) => {
        if (!editor.paste(data, menu.at)) editor.ui.announce('There is nothing on the clipboard to paste.');
      },
      () => editor.ui.fail(new Error('The browser did not allow pasting. Use Ctrl+V (Cmd+V on a Mac) instead.')),
    );
  };
  const title = target.kind === 'factor' ? labelText(editor.store.labelOf(target.id))
    : target.kind === 'link' ? 'Link'
      : target.kind === 'section' ? editor.store.section(target.id)?.title || 'Section'
        : 'Map';
  return (
    <ControlledMenu
      anchorPoint={{ x: menu.x, y: menu.y }}
      state="open"
      direction="right"
      onClose={(event) => {
        // The finger that long-pressed lifts after the menu opens; that is not "leaving" the menu.
        if (event.reason === 'blur' && menu.byTouch && Date.now() - (menu.openedAt ?? 0) < 1500) return;
        close();
      }}
      menuClassName="menu"
      aria-label={`Actions for ${title}`}
      captureFocus
    >
      <MenuHeader>{title}</MenuHeader>
      {target.kind === 'factor' && canEdit && (
        <>
          <MenuItem onClick={() => editor.startEditing(target.id)}>Rename</MenuItem>
          <MenuItem onClick={() => editor.ui.set({ linkingFrom: target.id })}>Link to another factor…</MenuItem>
          <SubMenu label="Kind">
            {ALL_KINDS.map((k) => (
              <MenuItem key={k.id} onClick={() => editor.setKind(factors.length ? factors : [target.id], k.id as NodeKind)}>
                {k.icon} {k.label}
              </MenuItem>
            ))}
          </SubMenu>
        </>
      )}
      {links.length > 0 && canEdit && (
        <>
          {(['+', '-', '?'] as const).map((p) => (
            <MenuItem key={p} onClick={() => editor.setPolarity(links, p)}>
              {POLARITY_GLYPH[p]} {POLARITY_NAMES[p]}
            </MenuItem>
          ))}
          <MenuItem onClick={() => editor.toggleDelay(links)}>‖ Delay on or off</MenuItem>
          <MenuItem onClick={() => editor.reverseLinks(links)}>⇄ Reverse direction</MenuItem>
        </>
      )}
      {target.kind === 'section' && canEdit && <MenuItem onClick={() => editor.ui.set({ editingSectionId: target.id })}>Rename section</MenuItem>}
      {target.kind === 'pane' && canEdit && (
        <>
          <MenuItem onClick={() => editor.addFactor({ at: menu.at })}>Add a factor here</MenuItem>
          <MenuItem onClick={() => editor.addSection('New section', menu.at)}>Add a section here</MenuItem>
          <MenuItem onClick={paste}>Paste</MenuItem>
        </>
      )}
      {target.kind !== 'pane' && (
        <>
          <MenuDivider />
          <MenuItem onClick={copy}>Copy</MenuItem>
          {canEdit && <MenuItem onClick={() => editor.duplicateSelection()}>Duplicate</MenuItem>}
          {canEdit && factors.length > 0 && <MenuItem onClick={() => editor.addSection()}>Put in a new section</MenuItem>}
          {canEdit && <MenuItem onClick={() => editor.deleteSelection()}>Delete</MenuItem>}
        </>
      )}
      <MenuDivider />
      <MenuItem onClick={() => editor.store.selectAll()}>Select everything</MenuItem>
      <MenuItem onClick={() => editor.viewport.fit()}>Zoom to fit</MenuItem>
    </ControlledMenu>
  );
}
