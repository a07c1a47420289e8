import type { ComponentType } from 'react';
import { CodePanel } from './code/CodePanel.tsx';
import { InspectorPanel } from './InspectorPanel.tsx';
import { InsidePanel } from '../inside/InsidePanel.tsx';
import { TryItPanel } from '../inside/TryItPanel.tsx';
import { ProblemsBadge, ProblemsPanel } from './ProblemsPanel.tsx';
import { SummaryPanel } from './SummaryPanel.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';

/** One tab of the right-hand side panel. */
export interface PanelDef {
  /** Stable id: the tab's test id is `tab-<id>`, its body's `panel-<id>`. */
  id: string;
  title: string;
  component: ComponentType;
  /** Optional small component shown beside the title (e.g. a count). */
  badge?: ComponentType;
}

/**
 * The side panel's tabs, in order. Adding a panel is one line here, e.g.
 * `{ id: 'code', title: 'Code', component: CodePanel },`.
 */
export const PANELS: PanelDef[] = [
  { id: 'inspector', title: 'Inspector', component: InspectorPanel },
  { id: 'summary', title: 'Summary', component: SummaryPanel },
  { id: 'code', title: 'Code', component: CodePanel },
  { id: 'problems', title: 'Problems', component: ProblemsPanel, badge: ProblemsBadge },
  { id: 'training', title: 'Training', component: TrainingPanel },
  { id: 'tryit', title: 'Try it', component: TryItPanel },
  { id: 'inside', title: 'Inside', component: InsidePanel },
];
