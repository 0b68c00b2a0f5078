import { useEffect, useState, type FormEvent } from 'react';
import type * as Y from 'yjs';
import { COMMENT_MAX, addComment, setHidden, withdrawComment, type CommentRecord } from '../../core/model/workshop';
import { LOCAL_ORIGIN } from '../../sync/origin';
import { useModelAction } from './use-model-action';
import { timeText } from '../format-time';

interface Props {
  doc: Y.Doc;
  target: { id: string; label: string };
  comments: readonly CommentRecord[];
  hidden: readonly string[];
  anonymous: boolean;
  author: string;
  displayName: string;
  facilitator: boolean;
  canComment: boolean;
}

const SEEN_KEY = 'causeway.commentsSeen';

function readSeen(): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/** Comments on an element that others wrote since this browser last looked at it. */
export function unreadCount(comments: readonly CommentRecord[], targetId: string, author: string): number {
  const seen = readSeen()[targetId] ?? 0;
  return comments.filter((c) => c.target === targetId && c.author !== author && c.at > seen && !c.withdrawn).length;
}

function markSeen(targetId: string): void {
  try {
    const seen = readSeen();
    seen[targetId] = Date.now();
    localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
  } catch {
    // Storage blocked: unread markers are for this page only.
  }
}

/** Short threaded comments on a factor or link. Text only; withdrawn comments keep their place in the thread. */
export function CommentsPanel({ doc, target, comments, hidden, anonymous, author, displayName, facilitator, canComment }: Props) {
  const thread = comments.filter((c) => c.target === target.id && (facilitator || !hidden.includes(c.id)));
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const { problem, act } = useModelAction('The comment could not be saved.');
  const ctx = { origin: LOCAL_ORIGIN, author };
  useEffect(() => markSeen(target.id), [target.id, thread.length]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (act(() => addComment(doc, { target: target.id, parent: replyTo, text, authorName: displayName }, ctx))) {
      setText('');
      setReplyTo(null);
    }
  };
  const name = (c: CommentRecord) => (c.author === author ? 'You' : anonymous ? 'A participant' : c.authorName || 'A participant');
  const roots = thread.filter((c) => !c.parent || !thread.some((p) => p.id === c.parent));

  const renderComment = (c: CommentRecord, depth: number) => (
    <li key={c.id} className={`comment${hidden.includes(c.id) ? ' is-hidden' : ''}`} style={{ marginLeft: `${Math.min(depth, 3) * 1}rem` }} data-testid="comment">
      <p className="comment__meta">{name(c)} · {timeText(c.at)}{hidden.includes(c.id) ? ' · hidden from participants' : ''}</p>
      <p className="comment__text">{c.withdrawn ? <em>Withdrawn by its author.</em> : c.text}</p>
      <div className="row">
        {canComment && !c.withdrawn && <button type="button" className="linklike" onClick={() => setReplyTo(c.id)}>Reply</button>}
        {c.author === author && !c.withdrawn && <button type="button" className="linklike" onClick={() => withdrawComment(doc, c.id, ctx)}>Withdraw</button>}
        {facilitator && (
          <button type="button" className="linklike" onClick={() => setHidden(doc, c.id, !hidden.includes(c.id), ctx)}>
            {hidden.includes(c.id) ? 'Restore' : 'Hide'}
          </button>
        )}
      </div>
      <ul className="comments">{thread.filter((r) => r.parent === c.id).map((r) => renderComment(r, depth + 1))}</ul>
    </li>
  );

  return (
    <section className="panel panel--comments" aria-label={`Comments on ${target.label}`} data-testid="comments-panel">
      <h2 className="panel__title">Comments ({thread.length})</h2>
      <ul className="comments">{roots.map((c) => renderComment(c, 0))}</ul>
      {canComment ? (
        <form className="form" onSubmit={submit}>
          <label className="field">
            <span>{replyTo ? 'Your reply' : 'Add a comment'}</span>
            <textarea value={text} rows={2} maxLength={COMMENT_MAX} onChange={(e) => setText(e.target.value)} data-testid="comment-text" />
          </label>
          <div className="row">
            <button type="submit" className="button" disabled={!text.trim()} data-testid="comment-send">{replyTo ? 'Reply' : 'Comment'}</button>
            {replyTo && <button type="button" className="button" onClick={() => setReplyTo(null)}>Cancel reply</button>}
          </div>
          {problem && <p className="error" role="alert">{problem}</p>}
        </form>
      ) : (
        <p className="panel__note">Comments are closed in this phase.</p>
      )}
    </section>
  );
}
