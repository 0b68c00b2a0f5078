import { createContext, useContext } from 'react';
import type { Editor } from './editor';

export const EditorContext = createContext<Editor | null>(null);

/** The map's editor; every component under the workspace has one. */
export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor outside the map workspace');
  return editor;
}
