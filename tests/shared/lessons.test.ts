import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { checkGoal, describeGoal, readLesson } from '../../shared/lessons/lesson.ts';
import { LESSONS, loadLesson } from '../../shared/lessons/index.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

const lessonOf = (id: string) => {
  const read = readLesson(loadLesson(id));
  if (!read?.ok) throw new Error(`lesson ${id} unreadable`);
  return read.lesson;
};

describe('lessons', () => {
  it('ships five valid lessons whose starting graphs are valid', () => {
    expect(LESSONS).toHaveLength(5);
    for (const { id } of LESSONS) {
      const project = loadLesson(id);
      expect(readLesson(project)?.ok).toBe(true);
      expect(analyzeGraph(project.graph).diagnostics).toEqual([]);
    }
  });

  it('describes goals in words', () => {
    expect(describeGoal(lessonOf('mnist-under-50k').goal)).toBe(
      'validation accuracy ≥ 95% with fewer than 50,000 parameters',
    );
  });

  it('says the goal is met only when accuracy and size both are', () => {
    const lesson = lessonOf('mnist-under-50k');
    expect(checkGoal(lesson, { metrics: { val_acc: 0.96 }, totalParams: 40_000 })).toEqual({
      met: true,
      reasons: ['Goal met: validation accuracy ≥ 95% with fewer than 50,000 parameters.'],
    });
    const tooBig = checkGoal(lesson, { metrics: { val_acc: 0.97 }, totalParams: 109_386 });
    expect(tooBig.met).toBe(false);
    expect(tooBig.reasons).toEqual([
      'The model has 109,386 parameters; the goal allows fewer than 50,000.',
    ]);
    const tooWeak = checkGoal(lesson, { metrics: { val_acc: 0.9 }, totalParams: 10_000 });
    expect(tooWeak.reasons).toEqual(['Validation accuracy is 90.00%; the goal is 95.00%.']);
    expect(checkGoal(lesson, { metrics: {}, totalParams: 10 }).reasons[0]).toMatch(
      /^No validation accuracy yet/,
    );
  });

  it('refuses blocks outside the lesson palette', () => {
    const lesson = lessonOf('xor-hidden-layer');
    const verdict = checkGoal(lesson, {
      metrics: { val_acc: 1 },
      totalParams: 17,
      layerTypes: ['Input', 'Dense', 'Conv2D'],
    });
    expect(verdict.reasons).toEqual(['This lesson does not allow Conv2D blocks.']);
  });

  it('reports a malformed lesson section with its path; a plain project has none', () => {
    const project = loadTemplate('mnist-mlp');
    expect(readLesson(project)).toBeNull();
    project.lesson = { title: 'x', goal: { metric: 'speed', target: 1 } };
    const read = readLesson(project);
    expect(read?.ok).toBe(false);
    if (read && !read.ok) expect(read.errors[0]).toMatch(/^lesson\.goal\.metric: /);
  });
});
