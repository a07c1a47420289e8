import { parseProjectValue, type Project } from '../graph/project.ts';
import { kindsAvailable } from '../templates/index.ts';
import forecastWithLstm from './forecast-with-lstm.json' with { type: 'json' };
import mnistUnder50k from './mnist-under-50k.json' with { type: 'json' };
import untangleTheSpiral from './untangle-the-spiral.json' with { type: 'json' };
import wordsToTopics from './words-to-topics.json' with { type: 'json' };
import xorHiddenLayer from './xor-hidden-layer.json' with { type: 'json' };

/** The lessons that ship with the app, easiest first. */
export const LESSONS: readonly { id: string; source: unknown }[] = [
  { id: 'xor-hidden-layer', source: xorHiddenLayer },
  { id: 'untangle-the-spiral', source: untangleTheSpiral },
  { id: 'mnist-under-50k', source: mnistUnder50k },
  { id: 'words-to-topics', source: wordsToTopics },
  { id: 'forecast-with-lstm', source: forecastWithLstm },
].filter((l) => kindsAvailable(l.source));

/** A fresh copy of a shipped lesson's project (its `lesson` section included). */
export function loadLesson(id: string): Project {
  const entry = LESSONS.find((l) => l.id === id);
  if (!entry) throw new Error(`No lesson "${id}"`);
  const result = parseProjectValue(structuredClone(entry.source));
  if (!result.ok) throw new Error(`Lesson ${id} is invalid: ${result.errors.join('; ')}`);
  return result.project;
}
