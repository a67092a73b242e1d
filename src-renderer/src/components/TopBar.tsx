import type { ContextsSnapshot } from '../../../src-main/contract/types';
import type { ThemeChoice } from '../app/theme';

const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function TopBar(props: {
  snapshot?: ContextsSnapshot;
  context?: string;
  namespace?: string;
  /** Namespaces of the connected cluster, when known. */
  namespaces?: string[];
  theme: ThemeChoice;
  onContext(name: string): void;
  onNamespace(ns: string | undefined): void;
  onTheme(choice: ThemeChoice): void;
  onPalette(): void;
}) {
  const contextInfo = props.snapshot?.contexts.find((c) => c.name === props.context);
  const namespaces = [...new Set([...(props.namespaces ?? []), contextInfo?.namespace, props.namespace].filter((n): n is string => !!n))].sort();
  return (
    <header className="topbar">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={20} height={20} /> Orrery
      </div>
      <label className="field">
        <span>Context</span>
        <select
          aria-label="Context"
          value={props.context ?? ''}
          disabled={!props.snapshot?.contexts.length}
          onChange={(e) => props.onContext(e.target.value)}
        >
          {!props.snapshot?.contexts.length && <option value="">no contexts</option>}
          {props.snapshot?.contexts.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
              {c.error ? ' (broken)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Namespace</span>
        <select aria-label="Namespace" value={props.namespace ?? ''} onChange={(e) => props.onNamespace(e.target.value || undefined)}>
          <option value="">All namespaces</option>
          {namespaces.map((ns) => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </select>
      </label>
      <span className="spacer" />
      <button className="ghost" onClick={props.onPalette} title="Command palette (Ctrl/Cmd+K)">
        Search… <kbd>Ctrl K</kbd>
      </button>
      <button className="ghost" data-testid="theme-toggle" onClick={() => props.onTheme(nextTheme[props.theme])} title="Theme: follows the OS unless chosen">
        Theme: {props.theme}
      </button>
    </header>
  );
}
