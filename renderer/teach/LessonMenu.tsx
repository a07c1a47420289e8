import { describeGoal, readLesson } from '../../shared/lessons/lesson.ts';
import { LESSONS, loadLesson } from '../../shared/lessons/index.ts';
import { editorStore } from '../store/index.ts';
import { clearFinishedRun } from './Classroom.tsx';
import { Menu } from './Menu.tsx';

/** Title and goal of every shipped lesson, read once. */
const ENTRIES = LESSONS.map(({ id }) => {
  const read = readLesson(loadLesson(id));
  return read?.ok
    ? { id, title: read.lesson.title, goal: describeGoal(read.lesson.goal) }
    : { id, title: id, goal: '' };
});

/** Opens a shipped lesson (its project, goal and palette); asks before replacing unsaved work. */
export function openLesson(id: string, mayDiscard: () => boolean) {
  if (!mayDiscard()) return;
  clearFinishedRun();
  editorStore.getState().loadProject(loadLesson(id));
  editorStore.getState().notify(`Lesson opened: ${ENTRIES.find((e) => e.id === id)?.title ?? id}`);
}

/** "Lessons" in the toolbar: the shipped exercises, easiest first. */
export function LessonMenu({ mayDiscard }: { mayDiscard: () => boolean }) {
  return (
    <Menu label="Lessons" testId="toolbar-lessons">
      {(close) => (
        <>
          <div className="menu__sep menu__sep--first">Exercises</div>
          {ENTRIES.map((entry) => (
            <button
              key={entry.id}
              type="button"
              role="menuitem"
              className="menu__item"
              data-testid={`lesson-${entry.id}`}
              onClick={() => {
                close();
                openLesson(entry.id, mayDiscard);
              }}
            >
              <strong>{entry.title}</strong>
              <span>Goal: {entry.goal}</span>
            </button>
          ))}
        </>
      )}
    </Menu>
  );
}
