/// <reference lib="webworker" />
/**
 * The analysis Web Worker: runs `analyzeGraph` (shape inference and diagnostics, ~0.5 s for a
 * 10,000-block chain) and the parsing of big project files (zod validation, as long again) off
 * the page's main thread (renderer/store/analysis.ts decides when).
 * `analyse`: `{ generation, graph }` → `{ generation, analysis }` (./analysis-wire.ts form).
 * `parse`: `{ id, text }` → `{ id, result }` (`parseProject`'s result) and, for a valid project,
 * the analysis of its graph. A failure replies with `error` instead.
 */
import '../zod-csp.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import { parseProject, type ProjectResult } from '../../shared/graph/project.ts';
import type { Graph } from '../../shared/graph/types.ts';
import { toWire, type WireAnalysis } from './analysis-wire.ts';

export type WorkerRequest =
  | { kind: 'analyse'; generation: number; graph: Graph }
  | { kind: 'parse'; id: number; text: string };

export type WorkerReply =
  | { kind: 'analyse'; generation: number; analysis: WireAnalysis }
  | { kind: 'analyse'; generation: number; error: string }
  | { kind: 'parse'; id: number; result: ProjectResult; analysis?: WireAnalysis }
  | { kind: 'parse'; id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

function answer(request: WorkerRequest): WorkerReply {
  if (request.kind === 'analyse') {
    return {
      kind: 'analyse',
      generation: request.generation,
      analysis: toWire(analyzeGraph(request.graph)),
    };
  }
  const result = parseProject(request.text);
  return result.ok
    ? {
        kind: 'parse',
        id: request.id,
        result,
        analysis: toWire(analyzeGraph(result.project.graph)),
      }
    : { kind: 'parse', id: request.id, result };
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  let reply: WorkerReply;
  try {
    reply = answer(request);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    reply =
      request.kind === 'analyse'
        ? { kind: 'analyse', generation: request.generation, error }
        : { kind: 'parse', id: request.id, error };
  }
  scope.postMessage(reply);
};
