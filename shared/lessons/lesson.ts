import { z } from 'zod';
import type { Project } from '../graph/project.ts';
import { formatCount } from '../summary.ts';

/**
 * A lesson is a project file with a `lesson` section: a goal to reach and, optionally, a
 * restricted palette. After training, `checkGoal` says whether the goal is met and why not.
 */
export const METRICS = ['val_acc', 'val_loss', 'acc', 'loss', 'test_acc', 'test_loss'] as const;
export type Metric = (typeof METRICS)[number];

const METRIC_NAMES: Record<Metric, string> = {
  val_acc: 'validation accuracy',
  val_loss: 'validation loss',
  acc: 'training accuracy',
  loss: 'training loss',
  test_acc: 'test accuracy',
  test_loss: 'test loss',
};

export const lessonSchema = z.looseObject({
  title: z.string().min(1).max(200),
  instructions: z.string().max(5000).default(''),
  goal: z.looseObject({
    metric: z.enum(METRICS),
    /** For accuracies: the least acceptable value; for losses: the largest. */
    target: z.number(),
    maxParams: z.number().int().positive().optional(),
  }),
  /** Layer types the palette offers; absent: all. */
  palette: z.array(z.string()).optional(),
});

export type Lesson = z.infer<typeof lessonSchema>;

/** The lesson section of a project, or the reasons it is malformed; `null` when there is none. */
export function readLesson(
  project: Project,
): { ok: true; lesson: Lesson } | { ok: false; errors: string[] } | null {
  if (project.lesson === undefined) return null;
  const parsed = lessonSchema.safeParse(project.lesson);
  if (parsed.success) return { ok: true, lesson: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => `lesson.${i.path.join('.')}: ${i.message}`),
  };
}

const isLoss = (metric: Metric) => metric.endsWith('loss');

/** "validation accuracy ≥ 95% with fewer than 50,000 parameters". */
export function describeGoal(goal: Lesson['goal']): string {
  const value = isLoss(goal.metric)
    ? String(goal.target)
    : `${Number((goal.target * 100).toFixed(2))}%`;
  const base = `${METRIC_NAMES[goal.metric]} ${isLoss(goal.metric) ? '≤' : '≥'} ${value}`;
  return goal.maxParams
    ? `${base} with fewer than ${formatCount(goal.maxParams)} parameters`
    : base;
}

export interface GoalVerdict {
  met: boolean;
  /** One sentence per unmet condition, or one saying the goal is met. */
  reasons: string[];
}

/** Checks a lesson goal against the final metrics of a run and the model's parameter count. */
export function checkGoal(
  lesson: Lesson,
  result: {
    metrics: Partial<Record<Metric, number>>;
    totalParams: number;
    layerTypes?: readonly string[];
  },
): GoalVerdict {
  const { goal } = lesson;
  const reasons: string[] = [];
  const value = result.metrics[goal.metric];
  const name = METRIC_NAMES[goal.metric];
  const show = (v: number) => (isLoss(goal.metric) ? v.toFixed(4) : `${(v * 100).toFixed(2)}%`);
  if (value === undefined || !Number.isFinite(value)) {
    reasons.push(
      `No ${name} yet: train the model${goal.metric.startsWith('val') ? ' with a validation split' : ''}.`,
    );
  } else if (isLoss(goal.metric) ? value > goal.target : value < goal.target) {
    reasons.push(
      `${name[0]!.toUpperCase()}${name.slice(1)} is ${show(value)}; the goal is ${show(goal.target)}.`,
    );
  }
  if (goal.maxParams !== undefined && result.totalParams >= goal.maxParams) {
    reasons.push(
      `The model has ${formatCount(result.totalParams)} parameters; the goal allows fewer than ${formatCount(goal.maxParams)}.`,
    );
  }
  const banned = lesson.palette
    ? (result.layerTypes ?? []).filter((t) => !lesson.palette!.includes(t))
    : [];
  if (banned.length > 0) {
    reasons.push(`This lesson does not allow ${[...new Set(banned)].join(', ')} blocks.`);
  }
  return reasons.length === 0
    ? { met: true, reasons: [`Goal met: ${describeGoal(goal)}.`] }
    : { met: false, reasons };
}
