import { lossPlan, outputActivationOp } from '../codegen/loss.ts';
import type { GraphAnalysis } from '../graph/analyze.ts';
import { lowerAnalysis } from '../ir/lower.ts';
import { blockNames } from '../ir/names.ts';
import { getLayer } from '../layers/registry.ts';
import type { GraphEdge, GraphNode } from '../graph/types.ts';
import { formatShape } from '../shape.ts';
import type { FixTarget, LintContext, LintFinding } from './types.ts';

/** Pure graph edits used by fixes. */
function updateNode(
  target: FixTarget,
  id: string,
  change: (node: GraphNode) => GraphNode,
): FixTarget {
  return {
    ...target,
    graph: { ...target.graph, nodes: target.graph.nodes.map((n) => (n.id === id ? change(n) : n)) },
  };
}

export function setParams(
  target: FixTarget,
  id: string,
  params: Record<string, unknown>,
): FixTarget {
  return updateNode(target, id, (n) => ({ ...n, params: { ...n.params, ...params } }));
}

function freshId(target: FixTarget, base: string): string {
  // Block names too: a new block is named by its id, which must not be another block's name.
  const ids = new Set([
    ...target.graph.nodes.map((n) => n.id),
    ...blockNames(target.graph.nodes),
    ...target.graph.edges.map((e) => e.id),
  ]);
  let id = base;
  for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
  return id;
}

/** Inserts a new block on an edge: source → new → target. */
function insertOnEdge(target: FixTarget, edge: GraphEdge, type: string): FixTarget {
  const nodes = target.graph.nodes;
  const source = nodes.find((n) => n.id === edge.source)!;
  const dest = nodes.find((n) => n.id === edge.target)!;
  const id = freshId(target, type.toLowerCase());
  const node: GraphNode = {
    id,
    type,
    params: {},
    position: {
      x: (source.position.x + dest.position.x) / 2,
      y: (source.position.y + dest.position.y) / 2,
    },
  };
  const inId = freshId(
    { ...target, graph: { ...target.graph, nodes: [...nodes, node] } },
    `e-${edge.source}-${id}`,
  );
  const edges = target.graph.edges.flatMap((e) =>
    e.id === edge.id
      ? [
          { id: inId, source: edge.source, target: id },
          { ...edge, source: id, id: `e-${id}-${edge.target}` },
        ]
      : [e],
  );
  return { ...target, graph: { ...target.graph, nodes: [...nodes, node], edges } };
}

type Rule = (analysis: GraphAnalysis, context: LintContext) => LintFinding[];

/** Kinds whose rank-3 output is an image feature map (their `explain.featureMapOutput` hook). */
const makesFeatureMap = (type: string) => getLayer(type)?.explain.featureMapOutput === true;

/**
 * Whether block `id` outputs an image feature map: a rank-3 output (H, W, C) of a kind that makes
 * one, or of a merge block (Concatenate, Add, ...) whose inputs all are feature maps.
 */
function isFeatureMap(analysis: GraphAnalysis, id: string, seen = new Set<string>()): boolean {
  const info = analysis.nodes.get(id);
  if (!info?.shape || info.shape.length !== 3 || seen.has(id)) return false;
  if (makesFeatureMap(info.node.type)) return true;
  seen.add(id);
  const merges = (getLayer(info.node.type)?.inputs.max ?? 1) > 1;
  return (
    merges &&
    info.inputs.length > 0 &&
    info.inputs.every((e) => isFeatureMap(analysis, e.source, seen))
  );
}

/**
 * W101: Dense fed a feature map (rank 3, also through a merge block) without Flatten: it acts
 * per pixel, not on the image.
 */
const denseWithoutFlatten: Rule = (analysis) =>
  [...analysis.nodes.values()].flatMap((info) => {
    const edge = info.inputs[0];
    if (info.node.type !== 'Dense' || !edge) return [];
    const source = analysis.nodes.get(edge.source);
    if (!source?.shape || !isFeatureMap(analysis, source.node.id)) return [];
    return [
      {
        code: 'W101',
        severity: 'warning',
        nodeId: info.node.id,
        message: `This Dense gets a feature map ${formatShape(source.shape)}: without Flatten it is applied to every pixel separately. Insert Flatten before it.`,
        fix: { title: 'Insert Flatten', apply: (t) => insertOnEdge(t, edge, 'Flatten') },
      },
    ];
  });

const isLinear = (node: GraphNode) => (node.params.activation ?? 'linear') === 'linear';

/** W102: Dense → Dense with no activation between: two linear maps collapse into one. */
const stackedLinearDense: Rule = (analysis) =>
  [...analysis.nodes.values()].flatMap((info) => {
    const edge = info.inputs[0];
    if (info.node.type !== 'Dense' || !edge) return [];
    const source = analysis.nodes.get(edge.source);
    if (source?.node.type !== 'Dense' || !isLinear(source.node)) return [];
    return [
      {
        code: 'W102',
        severity: 'warning',
        nodeId: source.node.id,
        message: `This Dense has no activation and feeds another Dense: two linear layers in a row collapse into one linear map. Give it an activation such as relu.`,
        fix: {
          title: 'Use relu',
          apply: (t) => setParams(t, source.node.id, { activation: 'relu' }),
        },
      },
    ];
  });

/** The output block and its resolved activation, when the model has exactly one output. */
function outputOf(analysis: GraphAnalysis) {
  if (analysis.outputIds.length !== 1) return undefined;
  const info = analysis.nodes.get(analysis.outputIds[0]!)!;
  const activation = getLayer(info.node.type)?.explain.outputActivation?.(info.params);
  return { info, activation };
}

/** H103: softmax output trained with cross-entropy: PyTorch's CrossEntropyLoss has its own softmax. */
const softmaxWithCrossEntropy: Rule = (analysis, context) => {
  const out = outputOf(analysis);
  if (out?.activation !== 'softmax' || context.dataset?.task.kind === 'regression') return [];
  if (context.training.loss !== 'auto' && !context.training.loss.includes('categorical')) return [];
  return [
    {
      code: 'H103',
      severity: 'hint',
      nodeId: out.info.node.id,
      message:
        "The softmax on this output is right for Keras, but PyTorch's nn.CrossEntropyLoss applies softmax itself: " +
        'feeding it probabilities applies softmax twice and training stalls. The generated PyTorch model returns logits and applies softmax only in predict_proba().',
    },
  ];
};

/**
 * W104: sigmoid output on a multi-class dataset (sigmoid scores each class on its own). Unit
 * counts and Input sizes are checked by the dataset fit check (W105, W107).
 */
const sigmoidOnMultiClass: Rule = (analysis, context) => {
  const out = outputOf(analysis);
  const task = context.dataset?.task;
  // The fix sets units and activation: only on a kind made to be an output layer (Dense).
  if (out?.activation !== 'sigmoid' || getLayer(out.info.node.type)?.explain.outputHead !== true)
    return [];
  if (task?.kind !== 'classification' || task.numClasses < 3) return [];
  const id = out.info.node.id;
  const classes = task.numClasses;
  return [
    {
      code: 'W104',
      severity: 'warning',
      nodeId: id,
      message: `The output ends in sigmoid, but ${context.dataset!.title} has ${classes} classes: sigmoid scores each class on its own. Use softmax with ${classes} units.`,
      fix: {
        title: `Use ${classes} softmax units`,
        apply: (t) => setParams(t, id, { units: classes, activation: 'softmax' }),
      },
    },
  ];
};

/**
 * W110: the output activation does not fit the loss (`lossPlan(...).mismatch`), e.g. sigmoid
 * outputs with a categorical cross-entropy over several classes. Training still runs, on the
 * outputs as probabilities in every back-end; the fix for sigmoid is softmax.
 */
const activationFitsLoss: Rule = (analysis, context) => {
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) return [];
  const plan = lossPlan(lowered.ir, context.training.loss);
  if (!plan.mismatch) return [];
  // Badge the block that applies the activation (the output, or the block before a Dropout).
  const actOp = outputActivationOp(lowered.ir);
  const id = actOp?.id ?? lowered.ir.outputId;
  const canFix = actOp?.params.activation === 'sigmoid' && plan.loss !== 'binary_crossentropy';
  return [
    {
      code: 'W110',
      severity: 'warning',
      nodeId: id,
      message: plan.mismatch,
      ...(canFix
        ? {
            fix: {
              title: 'Use softmax',
              apply: (t: FixTarget) => setParams(t, id, { activation: 'softmax' }),
            },
          }
        : {}),
    },
  ];
};

/** W106: the last run diverged (NaN or exploding loss): lower the learning rate. */
const learningRateDiverged: Rule = (analysis, context) => {
  if (!context.lastRun?.diverged) return [];
  const lr = context.training.learningRate;
  const lower = Number((lr / 10).toPrecision(3));
  return [
    {
      code: 'W106',
      severity: 'warning',
      nodeId: analysis.outputIds[0],
      message: `Training diverged (the loss became NaN or infinite) with learning rate ${lr}: try ${lower}.`,
      fix: {
        title: `Set learning rate to ${lower}`,
        apply: (t) => ({ ...t, training: { ...t.training, learningRate: lower } }),
      },
    },
  ];
};

export const LINT_RULES: readonly Rule[] = [
  denseWithoutFlatten,
  stackedLinearDense,
  softmaxWithCrossEntropy,
  sigmoidOnMultiClass,
  learningRateDiverged,
  activationFitsLoss,
];
