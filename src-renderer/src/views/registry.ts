// Every view in the navigation and the command palette. A view appears here only once it works.
import type { ComponentType } from 'react';
import { ContextsView } from './ContextsView';
import { DiagnosticsView } from './DiagnosticsView';

export interface ViewDef {
  id: string;
  title: string;
  /** Words the command palette also matches. */
  keywords: string;
  component: ComponentType;
}

export const views: ViewDef[] = [
  { id: 'contexts', title: 'Contexts', keywords: 'kubeconfig clusters connect', component: ContextsView },
  { id: 'diagnostics', title: 'Diagnostics', keywords: 'metrics orrery self health streams', component: DiagnosticsView },
];
