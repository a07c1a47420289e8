/**
 * The PyTorch name a block shows (its subtitle "Dense / nn.Linear + nn.ReLU"), matched to the
 * generated PyTorch code: where the loss takes over the output activation (softmax before
 * `nn.CrossEntropyLoss`, sigmoid before `nn.BCEWithLogitsLoss`, see `lossPlan`), the module has
 * no `nn.Softmax` / `nn.Sigmoid`, so the name leaves it out too.
 */
import { lossPlan, outputActivationOp, type LossSetting } from '../codegen/loss.ts';
import type { GraphAnalysis } from '../graph/analyze.ts';
import type { GraphNode } from '../graph/types.ts';
import { lowerAnalysis } from '../ir/lower.ts';
import { getLayer } from '../layers/registry.ts';

/**
 * The id of the block whose activation the generated PyTorch loss applies itself (so `forward`
 * leaves it out and `predict_proba()` applies it), for a graph that compiles and the project's
 * loss setting; `null` when there is none or the graph does not compile.
 */
export function lossTakesActivationOf(analysis: GraphAnalysis, loss: LossSetting): string | null {
  const lowered = lowerAnalysis(analysis);
  if (!lowered.ok) return null;
  const plan = lossPlan(lowered.ir, loss);
  if (!plan.logitsActivation) return null;
  const op = outputActivationOp(lowered.ir);
  return op && op.params.activation === plan.logitsActivation ? op.id : null;
}

/**
 * A block's PyTorch name, e.g. `nn.Linear + nn.ReLU`, from its kind's `torchNameFor` hook (else
 * `torchName`). `lossTakesActivation`: the loss applies this block's activation (see
 * `lossTakesActivationOf`), so the name is the one for a linear activation (`nn.Linear`).
 * An unknown kind: its type.
 */
export function torchNameOf(
  node: Pick<GraphNode, 'type' | 'params'>,
  lossTakesActivation = false,
): string {
  const def = getLayer(node.type);
  if (!def) return node.type;
  const params = lossTakesActivation ? { ...node.params, activation: 'linear' } : node.params;
  return def.torchNameFor ? def.torchNameFor(params) : def.torchName;
}
