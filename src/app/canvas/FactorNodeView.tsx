import { Handle, Position, useConnection, type NodeProps } from '@xyflow/react';
import { createContext, memo, useCallback, useContext, useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { LIMITS } from '../../core/model/ops';
import type { MapNode } from '../../core/model/types';
import { useEditor } from '../editor/context';
import { labelText, leverageText, meadowsLevel } from '../editor/describe';
import { growToFit, oneLine } from '../editor/one-line-box';
import { useUi, type UiState } from '../editor/ui-state';
import { useRemoteMarks } from '../presence/context';
import type { FactorNode } from './flow-store';
import { kindInfo } from './kinds';
import { KNOB_STYLE } from './knob';

/** Votes are not in the model yet; a newer client may store them as a number or a map of voter → count. */
export function voteCount(factor: MapNode): number {
  const votes = factor.extra.votes;
  if (typeof votes === 'number' && Number.isFinite(votes)) return votes;
  if (votes && typeof votes === 'object') {
    return Object.values(votes as Record<string, unknown>).reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : v === true ? 1 : 0), 0);
  }
  return 0;
}

function LabelEditor({ factor }: { factor: MapNode }) {
  const editor = useEditor();
  const input = useRef<HTMLTextAreaElement>(null);
  const done = useRef(false);
  const shownHeight = useRef(0);
  useEffect(() => {
    // React Flow keeps a new node hidden until it has measured it, and a hidden input cannot take
    // focus: try on each frame until it does (bounded).
    let frames = 0;
    let handle = 0;
    const tryFocus = () => {
      const element = input.current;
      if (!element || done.current) return;
      element.focus();
      if (document.activeElement === element) {
        const typed = editor.takePendingText();
        if (typed === null) element.select();
        else {
          element.value = typed.text;
          element.setSelectionRange(typed.selected ? 0 : typed.text.length, typed.text.length);
        }
        growToFit(element);
      } else if (++frames < 60) handle = requestAnimationFrame(tryFocus);
    };
    tryFocus();
    return () => cancelAnimationFrame(handle);
  }, [editor]);
  const finish = (label: string | null, refocus: boolean) => {
    if (done.current) return;
    done.current = true;
    editor.finishEditing(factor.id, label, refocus);
  };
  const onInput = (event: FormEvent<HTMLTextAreaElement>) => {
    const box = event.currentTarget;
    const flat = oneLine(box.value);
    if (flat !== box.value) {
      const caret = Math.max(0, box.selectionEnd - (box.value.length - flat.length));
      box.value = flat;
      box.setSelectionRange(caret, caret);
    }
    growToFit(box);
    // Grown a line: keep the whole factor in view (offset sizes are in map units, unscaled by the zoom).
    const node = box.closest<HTMLElement>('.react-flow__node');
    if (node && node.offsetHeight !== shownHeight.current) {
      shownHeight.current = node.offsetHeight;
      editor.keepEditingInView(factor.id, { width: node.offsetWidth, height: node.offsetHeight });
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Keys typed here are for the text, not for the canvas's shortcuts.
    event.stopPropagation();
    if (event.key === 'Enter') {
      event.preventDefault();
      finish(event.currentTarget.value, true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      finish(null, true);
    }
  };
  return (
    <textarea
      ref={input}
      className="factor__edit nodrag nopan nowheel"
      defaultValue={factor.label}
      maxLength={LIMITS.label}
      rows={1}
      aria-label="Factor name (Enter to keep, Escape to cancel)"
      onInput={onInput}
      onKeyDown={onKeyDown}
      onBlur={(e) => finish(e.currentTarget.value, false)}
      data-testid="factor-label-editor"
    />
  );
}

/**
 * Whether the canvas is zoomed out too far to draw a link by hand (the → knob is hidden then).
 * Each handle, and the hook that makes every factor a drop target, is a listener on React Flow's
 * store, which runs them all on each move of a pan or a drag: three per factor, thousands on a
 * large map seen whole. They are left out while zoomed out that far.
 */
export const FarZoomContext = createContext(false);

/** Where a link starts (the → knob) and ends (the left edge, or the whole factor while someone draws one). */
function LinkHandles({ id }: { id: string }) {
  // While someone draws a link, the whole of every other factor is a drop target, not a tiny handle.
  const dropTarget = useConnection((c) => c.inProgress && c.fromNode.id !== id);
  return (
    <>
      <Handle type="target" position={Position.Left} className="factor__handle factor__handle--in" isConnectableStart={false} />
      <Handle type="source" position={Position.Right} className="factor__handle factor__connect" style={KNOB_STYLE} title="Drag onto another factor to link them">
        <span aria-hidden="true">→</span>
      </Handle>
      {dropTarget && <Handle type="target" id="drop" position={Position.Left} className="factor__drop-target" />}
    </>
  );
}

/**
 * A factor on the canvas. Kind is shown by shape, colour *and* an icon and
 * word, never colour alone. Labels, tags and notes are rendered as text
 * (React escapes them), never as HTML.
 */
function FactorNodeView({ id, data, selected }: NodeProps<FactorNode>) {
  const { factor } = data;
  const editor = useEditor();
  const editing = useUi(editor.ui, useCallback((s: UiState) => s.editingId === id, [id]));
  const dropNear = useUi(editor.ui, useCallback((s: UiState) => s.dropNear === id, [id]));
  const far = useContext(FarZoomContext);
  const { selectedBy, editingBy } = useRemoteMarks(id);
  const kind = kindInfo(factor.kind);
  const votes = voteCount(factor);
  const level = factor.leverage ? meadowsLevel(factor.leverage.level) : null;
  // Other people's selections: an outline in each one's colour (stacked rings for several).
  const outline = selectedBy.length
    ? { boxShadow: selectedBy.map((p, i) => `0 0 0 ${3 + i * 3}px ${p.user.colour}`).join(', ') }
    : undefined;
  const shownTags = factor.tags.slice(0, 1);
  return (
    <div className={`factor factor--${kind.id}${selected ? ' is-selected' : ''}${dropNear ? ' is-drop-near' : ''}`} data-testid="factor" data-factor-id={factor.id} style={outline}>
      {selectedBy.length > 0 && (
        <span className="factor__selectors" data-testid="remote-selection">
          {selectedBy.map((p) => p.user.name).join(', ')}
        </span>
      )}
      {editingBy.length > 0 && (
        <span className="factor__editing" role="status" data-testid="remote-editing">
          {editingBy[0]!.user.name} is editing this label
        </span>
      )}
      <span className="factor__kind">
        <span className="factor__icon" aria-hidden="true">{kind.icon}</span> {kind.label}
      </span>
      {editing ? <LabelEditor factor={factor} /> : <span className="factor__label">{labelText(factor.label)}</span>}
      {(factor.leverage || factor.tags.length > 0 || factor.note || votes > 0 || data.locked) && (
        <span className="factor__badges">
          {data.locked && <span className="badge badge--locked" title="Locked by the facilitator: it can be commented on, not changed" data-testid="badge-locked"><span aria-hidden="true">🔒 </span>Locked</span>}
          {/* Votes first and never cut short: in a vote they are what people look for. Words, not a
              symbol: ▲ and ● already mean kinds of factor. */}
          {votes > 0 && <span className="badge badge--votes" data-testid="badge-votes">{votes} {votes === 1 ? 'dot' : 'dots'}</span>}
          {factor.leverage && (
            <span className="badge badge--leverage" title={`${leverageText(factor.leverage.level)}${level ? ` — ${level.explanation}` : ''}`} data-testid="badge-leverage">
              <span aria-hidden="true">◎ </span>L{factor.leverage.level}
              <span className="visually-hidden">, {leverageText(factor.leverage.level)}</span>
            </span>
          )}
          {shownTags.map((tag) => (
            <span className="badge badge--tag" key={tag} data-testid="badge-tag">#{tag}</span>
          ))}
          {factor.tags.length > shownTags.length && (
            <span className="badge badge--tag" title={factor.tags.join(', ')}>+{factor.tags.length - shownTags.length}</span>
          )}
          {factor.note && (
            <span className="badge badge--note" title="Has a note" data-testid="badge-note">
              <span aria-hidden="true">✎</span><span className="visually-hidden">Has a note</span>
            </span>
          )}
        </span>
      )}
      {!far && <LinkHandles id={id} />}
    </div>
  );
}

export default memo(FactorNodeView);
