import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { LIMITS } from '../../core/model/ops';
import { useEditor } from '../editor/context';
import { useUi, type UiState } from '../editor/ui-state';
import type { SectionNode } from './flow-store';

/**
 * A section: a named, coloured region drawn under the factors. Only its
 * title bar takes the pointer (to drag or select it), so the space inside
 * still pans, box-selects and takes double-clicks to add factors. Factors
 * belong to it by where they sit, and move with it.
 */
function SectionNodeView({ id, data, selected }: NodeProps<SectionNode>) {
  const { section } = data;
  const editor = useEditor();
  const editing = useUi(editor.ui, useCallback((s: UiState) => s.editingSectionId === id, [id]));
  const input = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    if (!editing) return;
    done.current = false;
    input.current?.focus();
    input.current?.select();
  }, [editing]);
  const finish = (title: string | null) => {
    if (done.current) return;
    done.current = true;
    editor.ui.set({ editingSectionId: null });
    if (title !== null) editor.renameSection(id, title);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    event.stopPropagation();
    if (event.key === 'Enter') finish(event.currentTarget.value);
    if (event.key === 'Escape') finish(null);
  };
  return (
    <div className={`section${selected ? ' is-selected' : ''}`} style={{ background: `${section.colour}cc`, borderColor: section.colour }} data-testid="section" data-section-id={id}>
      <NodeResizer isVisible={selected && editor.canEdit} minWidth={120} minHeight={80} handleClassName="section__resize" lineClassName="section__resize-line" />
      <div className="section__title" onDoubleClick={() => editor.canEdit && editor.ui.set({ editingSectionId: id })}>
        <span className="section__mark" aria-hidden="true">▦</span>
        {editing ? (
          <input
            ref={input}
            className="section__edit nodrag nopan"
            defaultValue={section.title}
            maxLength={LIMITS.title}
            aria-label="Section name (Enter to keep, Escape to cancel)"
            onKeyDown={onKeyDown}
            onBlur={(e) => finish(e.currentTarget.value)}
            data-testid="section-title-editor"
          />
        ) : (
          <span className="section__name">{section.title || 'Untitled section'}</span>
        )}
      </div>
    </div>
  );
}

export default memo(SectionNodeView);
