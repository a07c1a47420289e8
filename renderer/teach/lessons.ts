import { lessonSchema } from '../../shared/lessons/lesson.ts';

/** The layer types a project's lesson section allows in the palette; null: every type. */
export function allowedLayers(lesson: unknown): ReadonlySet<string> | null {
  if (lesson === undefined) return null;
  const parsed = lessonSchema.safeParse(lesson);
  return parsed.success && parsed.data.palette ? new Set(parsed.data.palette) : null;
}
