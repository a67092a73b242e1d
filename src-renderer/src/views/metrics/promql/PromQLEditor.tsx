// The PromQL editor: CodeMirror 6 with the Prometheus project's PromQL language (highlighting,
// linting, completion of functions, metric names, labels and values from the server through
// Orrery's contract). Enter runs the query, Shift+Enter adds a line. A server error's position
// is underlined in place until the text changes.
//
// The editor lives in a shadow root. CodeMirror injects its styles at run time; on a document it
// does so with a <style> element, which the CSP (style-src 'self', no 'unsafe-inline') blocks,
// while in a shadow root it uses a constructed stylesheet (adoptedStyleSheets), which CSP allows.
// Colors are CSS variables, which inherit into the shadow tree, so the theme still applies.
import { acceptCompletion, autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, currentCompletions } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, placeholder as placeholderExt, type DecorationSet } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef } from 'react';
import { ContractPrometheusClient } from './completion-client';
import type { PromApi } from './prom-api';

const setErrorRange = StateEffect.define<{ start: number; end: number } | null>();
const errorMark = Decoration.mark({ class: 'cm-query-error', attributes: { 'data-testid': 'query-error-mark' } });

/** The server error's range, cleared by any edit. */
const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) return Decoration.none;
    for (const e of tr.effects) {
      if (!e.is(setErrorRange)) continue;
      if (!e.value) return Decoration.none;
      const len = tr.state.doc.length;
      if (len === 0) return Decoration.none;
      // A position at the very end (e.g. "unclosed parenthesis") marks the last character.
      const start = Math.min(e.value.start, len - 1);
      const end = Math.max(start + 1, Math.min(e.value.end, len));
      return Decoration.set([errorMark.range(start, end)]);
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// Colors come from the app's CSS variables, so the editor follows the light/dark theme.
const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel)', border: '1px solid var(--border)', borderRadius: '6px', fontSize: '13px' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-1px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)', padding: '6px 0' },
  '.cm-line': { padding: '0 8px' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: 'var(--accent-soft)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent-soft)', color: 'var(--text)' },
  '.cm-completionDetail': { color: 'var(--muted)' },
  '.cm-completionInfo': { maxWidth: '420px' },
  '.cm-query-error': { textDecoration: 'underline wavy var(--failing)', backgroundColor: 'var(--error-bg)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--failing)' },
});

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier, tags.logicOperator], color: 'var(--pq-keyword)' },
  { tag: tags.function(tags.variableName), color: 'var(--pq-function)' },
  { tag: tags.labelName, color: 'var(--pq-label)' },
  { tag: tags.string, color: 'var(--pq-string)' },
  { tag: tags.number, color: 'var(--pq-number)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--failing)' },
]);

export interface PromQLEditorProps {
  value: string;
  api: PromApi;
  onChange(value: string): void;
  onRun(value: string): void;
  /** The last server error's position (offsets into value), underlined until an edit. */
  errorRange?: { start: number; end: number };
  placeholder?: string;
}

export function PromQLEditor({ value, api, onChange, onRun, errorRange, placeholder = 'PromQL, e.g. sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))' }: PromQLEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // Handlers change every render; the editor is built once and reads the latest through refs.
  const latest = useRef({ onChange, onRun });
  useEffect(() => {
    latest.current = { onChange, onRun };
  });

  useEffect(() => {
    const promql = new PromQLExtension().setComplete({ remote: new ContractPrometheusClient(api), maxMetricsMetadata: 10_000 });
    const extensions: Extension[] = [
      history(),
      closeBrackets(),
      autocompletion({ activateOnTyping: true }),
      keymap.of([
        // Enter takes a suggestion while the list is open (never a newline then: CodeMirror ignores
        // an Enter in the first 75 ms of a list, to avoid accidental picks); otherwise it runs the query.
        {
          key: 'Enter',
          run: (v) => {
            if (currentCompletions(v.state).length > 0) return acceptCompletion(v) || true;
            latest.current.onRun(v.state.doc.toString());
            return true;
          },
        },
        { key: 'Mod-Enter', run: (v) => (latest.current.onRun(v.state.doc.toString()), true) },
        ...closeBracketsKeymap,
        ...completionKeymap,
        ...historyKeymap,
        ...defaultKeymap,
      ]),
      promql.asExtension(),
      syntaxHighlighting(highlight),
      errorField,
      theme,
      EditorView.lineWrapping,
      placeholderExt(placeholder),
      EditorView.contentAttributes.of({ 'aria-label': 'PromQL query', 'data-testid': 'promql-input' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) latest.current.onChange(u.state.doc.toString());
      }),
    ];
    const el = host.current!;
    const shadow = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const v = new EditorView({ root: shadow, parent: shadow, state: EditorState.create({ doc: '', extensions }) });
    view.current = v;
    return () => {
      v.destroy();
      promql.destroy();
      view.current = null;
    };
  }, [api, placeholder]);

  // Text set from outside (history, URL, a dashboard panel) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value, api]);

  useEffect(() => {
    view.current?.dispatch({ effects: setErrorRange.of(errorRange ?? null) });
  }, [errorRange, value]);

  return <div ref={host} className="promql-editor" />;
}
