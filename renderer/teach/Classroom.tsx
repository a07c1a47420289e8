import './teach.css';
import { useEffect, useRef, useState } from 'react';
import { checkGoal, describeGoal, readLesson } from '../../shared/lessons/lesson.ts';
import { analysisNow, editorStore, useEditor } from '../store/index.ts';
import { training, useTraining, type TrainingState } from '../training/client.ts';
import { runDiverged } from './findings.ts';
import { Presenter } from './Presenter.tsx';
import { teachStore, useTeach } from './teachStore.ts';
import { finalMetrics } from './verdict.ts';

const RUNNING = new Set(['loading', 'training', 'paused']);
const FINISHED = new Set(['done', 'stopped']);

/** Judges the open lesson's goal with a finished run's final metrics and the model's totals. */
function judge(state: TrainingState) {
  const { project } = editorStore.getState();
  const read = readLesson(project);
  if (!read?.ok) return;
  const verdict = checkGoal(read.lesson, {
    metrics: finalMetrics({ epochs: state.epochs, test: state.results?.test ?? null }),
    totalParams: analysisNow(project.graph).totals.total,
    layerTypes: project.graph.nodes.map((n) => n.type),
  });
  teachStore.getState().setVerdict({ ...verdict, lessonTitle: read.lesson.title });
  editorStore
    .getState()
    .notify(verdict.met ? 'Lesson goal met!' : 'Lesson goal not met yet: see the lesson banner');
}

/**
 * Watches training: records whether the last run diverged (for lint W106) and, when a run of
 * the open lesson finishes, says whether the goal is met. A run judged belongs to the project
 * that was loaded when it started.
 */
function RunWatcher() {
  const t = useTraining();
  const loadCount = useEditor((s) => s.loadCount);
  const armed = useRef<number | null>(null);

  useEffect(() => {
    teachStore.getState().setVerdict(null);
  }, [loadCount]);

  useEffect(() => {
    if (RUNNING.has(t.status)) {
      armed.current ??= editorStore.getState().loadCount;
    }
    if (t.status === 'loading') teachStore.getState().setLastRun(null);
    if (runDiverged(t) && !teachStore.getState().lastRun?.diverged) {
      teachStore.getState().setLastRun({
        diverged: true,
        learningRate: editorStore.getState().project.training.learningRate,
      });
    }
    if (FINISHED.has(t.status) && armed.current !== null) {
      const sameProject = armed.current === editorStore.getState().loadCount;
      armed.current = null;
      if (sameProject) judge(t);
    }
  }, [t]);
  return null;
}

/** The open lesson: its goal, instructions and, after a run, the verdict. */
function LessonBanner() {
  const project = useEditor((s) => s.project);
  const verdict = useTeach((s) => s.verdict);
  const [open, setOpen] = useState(true);
  const read = readLesson(project);
  if (!read) return null;
  if (!read.ok) {
    return (
      <div className="lesson lesson--bad" data-testid="lesson-banner" role="alert">
        <strong>This lesson section is malformed</strong>
        <ul>
          {read.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      </div>
    );
  }
  const { lesson } = read;
  return (
    <section className="lesson" data-testid="lesson-banner" aria-label="Lesson">
      <div className="lesson__head">
        <span className="lesson__tag">Lesson</span>
        <strong className="lesson__title">{lesson.title}</strong>
        <button
          type="button"
          className="lesson__toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide' : 'Show'}
        </button>
      </div>
      <div className="lesson__goal" data-testid="lesson-goal">
        Goal: {describeGoal(lesson.goal)}
      </div>
      {open && lesson.instructions && <p className="lesson__text">{lesson.instructions}</p>}
      {open && lesson.palette && (
        <div className="lesson__palette">Blocks allowed: {lesson.palette.join(', ')}</div>
      )}
      {verdict && (
        <div
          className={`lesson__verdict ${verdict.met ? 'is-met' : 'is-unmet'}`}
          data-testid="lesson-verdict"
          data-met={verdict.met}
          role="status"
        >
          <strong>{verdict.met ? '✓ Goal met' : '✗ Not yet'}</strong>
          <ul>
            {verdict.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {!verdict && open && (
        <div className="lesson__hint muted">
          Train the model in the Training panel; the verdict appears here when it finishes.
        </div>
      )}
    </section>
  );
}

/** Classroom features over the canvas: lesson banner, presenter mode; and the run watcher. */
export function Classroom() {
  return (
    <>
      <RunWatcher />
      <LessonBanner />
      <Presenter />
    </>
  );
}

/** Clears the previous model's run before a lesson opens, unless one is still running. */
export function clearFinishedRun() {
  const { status } = training.getState();
  if (status !== 'idle' && !RUNNING.has(status)) training.reset();
}
