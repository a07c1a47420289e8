/**
 * IR → a complete PyTorch script: `class <Name>(nn.Module)` (or `nn.Sequential` for chains),
 * `build_model()`, and a `main()` with the explicit training loop.
 *
 * Keras and PyTorch differ in ways the generated code handles, so that both files describe the
 * same network with the same parameter counts and output values:
 * - feature maps are channels first in PyTorch, (N, C, H, W), channels last in Keras; every
 *   rank-3 Keras shape (H, W, C) is held as (N, C, H, W) here, and layers that care about the
 *   axis order (Flatten, Reshape, LayerNormalization, Concatenate, Dense on maps) permute;
 * - TensorFlow's 'same' padding with stride > 1 pads more at the bottom/right: explicit pads;
 * - BatchNormalization: PyTorch's momentum is 1 - Keras's; eps is carried over;
 * - a softmax (sigmoid) output trained with CrossEntropyLoss (BCEWithLogitsLoss) is left out of
 *   `forward`, which returns logits; `predict_proba` applies it. Outputs that stay probabilities
 *   (sigmoid before a categorical cross-entropy, softmax before a binary one) are trained with
 *   Keras's from_logits=False formulas (`ProbabilityCrossEntropy`, `ProbabilityBCE`);
 * - Add broadcasts as Keras: a shorter input gets size-1 axes after the batch axis.
 *
 * What each layer kind becomes (modules, forward expression, notes, helper classes, where its
 * Keras weight arrays go) is the kind's `torch` hooks (`shared/layers/kinds/<kind>.ts`, types and
 * kit in `shared/layers/backends/torch.ts`); this file only assembles them and knows no kind.
 */
import type { IrOp, ModelIR } from '../ir/lower.ts';
import {
  type Held,
  type Helper,
  type PlanContext,
  type Step,
  activationStep,
  dims,
  heldSpatialRank,
  toChannelsFirst,
  torchShape,
} from '../layers/backends/torch.ts';
import { getLayer } from '../layers/registry.ts';
import { pythonClassName } from '../ir/names.ts';
import type { Shape } from '../shape.ts';
import {
  type CodegenOptions,
  type CodegenSource,
  type GeneratedCode,
  DATA_RUN,
  MAIN_DEF,
  WEIGHTS_RUN,
  withDefaults,
  writeFileDocstring,
  writeMainCall,
  writeMainData,
  writeMainDoc,
  writeSettings,
} from './common.ts';
import {
  datasetNeedsPandas,
  datasetReadsFiles,
  datasetImports,
  installLine,
  writeDatasetConstants,
  writeLoadData,
} from './datasets.ts';
import { type LossPlan, lossPlan, outputActivationOp } from './loss.ts';
import { expectedWeights } from '../export/weights.ts';
import { PyWriter, pyCommentText, pyDocText, pyNumber, pyString, pyTuple } from './py-writer.ts';

export const PYTORCH_FILENAME = 'torch_model.py';

export interface PytorchOptions extends CodegenOptions {
  /** `module` (default): a `nn.Module` class; `sequential`: `nn.Sequential` when a chain. */
  style?: 'module' | 'sequential';
}

/** An op's plan from its kind's hooks, with the context the hooks were given. */
interface OpPlan {
  steps: Step[];
  notes: string[];
  ctx: PlanContext;
}

/** What the file needs: `F`, the `Permute` helper (sequential style), kinds' helper code. */
interface Needs {
  functional: boolean;
  permute: boolean;
  /** Helper code asked for by steps, by name, in the order first asked. */
  helpers: Map<string, Helper>;
}

/** How the generated file holds a value of Keras per-example shape `shape`. */
function held(shape: Shape): Held {
  return { shape, spatialRank: heldSpatialRank(shape) };
}

/** The hooks' context for `op`; `isOutput`: the op whose activation the loss may take over. */
function contextOf(
  op: IrOp,
  plan: Pick<LossPlan, 'logitsActivation'>,
  isOutput: boolean,
): PlanContext {
  return {
    op,
    inputs: op.inputShapes.map(held),
    output: held(op.outputShape),
    activation: (name, channelsFirst) => {
      if (isOutput && plan.logitsActivation === name) {
        return {
          steps: [],
          notes: [
            plan.logitsActivation === 'softmax'
              ? 'No softmax here: nn.CrossEntropyLoss applies log-softmax to the logits itself, and a second softmax would squash the gradients (the double-softmax bug). predict_proba() applies it.'
              : 'No sigmoid here: nn.BCEWithLogitsLoss applies it to the logits itself, more stably. predict_proba() applies it.',
          ],
        };
      }
      const step = activationStep(name, channelsFirst);
      return { steps: step ? [step] : [] };
    },
  };
}

/** No activation left to a loss (for contexts outside a training file). */
const NO_LOSS = { logitsActivation: null };

/** The op's plan from its kind's `torch.plan` hook; records what the steps need in `needs`. */
function planOp(op: IrOp, plan: LossPlan, isOutput: boolean, needs: Needs): OpPlan {
  const def = getLayer(op.type);
  if (!def) throw new Error(`PyTorch back-end: no layer for block type "${op.type}"`);
  const ctx = contextOf(op, plan, isOutput);
  const { steps, notes = [] } = def.torch.plan(ctx);
  for (const s of steps) {
    if (s.functional) needs.functional = true;
    if (s.helper) {
      if (s.helper.functional) needs.functional = true;
      if (!needs.helpers.has(s.helper.name)) needs.helpers.set(s.helper.name, s.helper);
    }
    if (s.seq?.some((m) => m.startsWith('Permute('))) needs.permute = true;
  }
  return { steps, notes: notes.filter((n) => n !== ''), ctx };
}

/**
 * The comment saying that PyTorch counts other trainable parameters than Keras for `op` (its
 * kind's `torch.paramCount` hook), or null when the counts agree.
 */
function countDiffers(op: IrOp, ctx: PlanContext): string | null {
  const torchCount = getLayer(op.type)?.torch.paramCount?.(ctx);
  if (!torchCount || torchCount.trainable === op.count.trainable) return null;
  return `PyTorch counts ${torchCount.trainable} trainable parameters here, Keras ${op.count.trainable}: ${torchCount.why}.`;
}

/**
 * The trainable parameter count of the generated PyTorch model: Keras's (`ir.totals.trainable`)
 * except for kinds whose `torch.paramCount` hook says PyTorch counts differently (e.g. LSTM's
 * two bias vectors). What `sum(p.numel() for p in model.parameters() if p.requires_grad)` prints.
 */
export function torchTrainableCount(ir: ModelIR): number {
  let total = 0;
  for (const op of ir.ops) {
    const hook = op.id === ir.inputId ? undefined : getLayer(op.type)?.torch.paramCount;
    total += hook ? hook(contextOf(op, NO_LOSS, false)).trainable : op.count.trainable;
  }
  return total;
}

/** The module of an op in module style: one module, or an `nn.Sequential` of consecutive ones. */
function moduleOf(steps: Step[]): string | null {
  const modules = steps.filter((s) => s.module).map((s) => s.module!);
  if (modules.length === 0) return null;
  return modules.length === 1 ? modules[0]! : `nn.Sequential(${modules.join(', ')})`;
}

/** The forward expression of an op's steps on its inputs `ins` (port order), module style. */
function forwardExpr(op: IrOp, steps: Step[], ins: readonly string[]): string {
  let expr = ins[0]!;
  let moduleDone = false;
  for (const s of steps) {
    if (s.module) {
      const self = `self.${op.name}`;
      if (!moduleDone) expr = s.call ? s.call(self, expr, ins) : `${self}(${expr})`;
      moduleDone = true;
    } else if (s.fn) {
      expr = s.fn(expr, ins);
    }
  }
  return expr;
}

/** See the kit: `shared/layers/backends/torch.ts`. Kept here for callers of this module. */
export { broadcastOperand, torchConcatDim, torchShape } from '../layers/backends/torch.ts';
export { samePadding } from '../layers/layout.ts';

const LOSS_MODULES: Record<string, string> = {
  sparse_categorical_crossentropy: 'nn.CrossEntropyLoss()',
  categorical_crossentropy: 'nn.CrossEntropyLoss()',
  binary_crossentropy: 'nn.BCEWithLogitsLoss()',
  mse: 'nn.MSELoss()',
};

/**
 * The loss module for the plan. Outputs that stay probabilities in `forward` (no activation left
 * to the loss: sigmoid before a categorical cross-entropy, softmax before a binary one) get
 * Keras's from_logits=False computation, `ProbabilityCrossEntropy` / `ProbabilityBCE`.
 */
function criterionFor(plan: LossPlan): string {
  if (!probabilityLoss(plan)) return LOSS_MODULES[plan.loss]!;
  return plan.loss === 'binary_crossentropy'
    ? 'ProbabilityBCE()  # the outputs are probabilities, as Keras takes them'
    : 'ProbabilityCrossEntropy()  # the outputs are probabilities, as Keras takes them';
}

/** The loss class's name, e.g. `nn.CrossEntropyLoss`, for comments. */
function lossModuleName(plan: LossPlan): string {
  return criterionFor(plan).replace(/\(.*$/, '');
}

/** True when `forward` returns probabilities that a cross-entropy takes as they are. */
export function probabilityLoss(plan: LossPlan): boolean {
  return plan.loss !== 'mse' && !plan.fromLogits && !plan.logitsActivation;
}

/** The loss module `criterionFor` names, written when the plan needs one. */
function writeProbabilityLoss(w: PyWriter, plan: LossPlan): void {
  if (plan.loss === 'binary_crossentropy') {
    w.block('class ProbabilityBCE(nn.Module):', () => {
      w.line(`"""Keras's binary_crossentropy on probabilities: clipped to [1e-7, 1 - 1e-7]."""`);
      w.blank();
      w.block('def forward(self, probs, targets):', () => {
        w.comment('(N, 1) targets are compared with every unit, as Keras broadcasts them.');
        w.line('targets = targets.expand_as(probs)');
        w.line('return nn.functional.binary_cross_entropy(probs.clamp(1e-7, 1 - 1e-7), targets)');
      });
    });
    return;
  }
  w.block('class ProbabilityCrossEntropy(nn.Module):', () => {
    w.line(`"""Keras's categorical cross-entropy on probabilities (from_logits=False).`);
    w.blank();
    w.line('Each row is divided by its sum and clipped to [1e-7, 1 - 1e-7]; the loss is the mean');
    w.line('of -log(probability of the label).');
    w.line('"""');
    w.blank();
    w.block('def forward(self, probs, targets):', () => {
      w.line('probs = (probs / probs.sum(dim=1, keepdim=True)).clamp(1e-7, 1 - 1e-7)');
      w.line('return nn.functional.nll_loss(torch.log(probs), targets)');
    });
  });
}

const OPTIMIZERS: Record<string, string> = {
  sgd: 'torch.optim.SGD({params}, lr=LEARNING_RATE)',
  momentum: 'torch.optim.SGD({params}, lr=LEARNING_RATE, momentum=0.9)',
  adam: 'torch.optim.Adam({params}, lr=LEARNING_RATE)',
  rmsprop: 'torch.optim.RMSprop({params}, lr=LEARNING_RATE, alpha=0.9)  # alpha = Keras rho',
};

/** Names the file defines or imports: the model class must not take one. */
const FILE_NAMES = new Set(
  'F DataLoader TensorDataset DistributedSampler DDP SummaryWriter Permute'.split(' '),
);

/** `, int64 token ids (torch.long)` for an Input of dtype int32; '' for float inputs. */
function tokenIds(input: IrOp): string {
  return input.params.dtype === 'int32' ? ', int64 token ids (torch.long)' : '';
}

function describeShape(shape: Shape): string {
  const t = torchShape(shape);
  return heldSpatialRank(shape) > 0
    ? `(N, C, H, W) = (N, ${t.join(', ')})`
    : `(N, ${t.join(', ')})`;
}

function writeHelpers(w: PyWriter, needs: Needs): void {
  if (needs.permute) {
    w.block('class Permute(nn.Module):', () => {
      w.line('"""Reorders the axes, e.g. Permute(0, 2, 3, 1): (N, C, H, W) → (N, H, W, C)."""');
      w.blank();
      w.block('def __init__(self, *dims):', () => {
        w.line('super().__init__()');
        w.line('self.dims = dims');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('return x.permute(*self.dims)');
      });
    });
    w.blank(2);
  }
  for (const helper of needs.helpers.values()) {
    helper.write(w);
    w.blank(2);
  }
}

function labelComment(op: IrOp): string {
  return op.label !== op.type && op.label !== op.name
    ? `  # ${pyCommentText(JSON.stringify(op.label))}`
    : '';
}

function writeModuleClass(
  w: PyWriter,
  className: string,
  source: CodegenSource,
  plans: Map<string, OpPlan>,
  plan: LossPlan,
): void {
  const { ir } = source;
  const input = ir.ops[0]!;
  const output = ir.ops.at(-1)!;
  w.block(`class ${className}(nn.Module):`, () => {
    w.line(`"""${pyDocText(source.name)}, the network drawn in Netwright.`);
    w.line('');
    w.line(
      `Input: ${describeShape(input.outputShape)}${heldSpatialRank(input.outputShape) > 0 ? ', channels first as PyTorch convolutions expect' : ''}${tokenIds(input)}.`,
    );
    const outputWhat = plan.logitsActivation
      ? `logits ${describeShape(output.outputShape)}; predict_proba() gives probabilities`
      : describeShape(output.outputShape);
    w.line(`Output: ${outputWhat}.`);
    w.line('"""');
    w.blank();
    w.block('def __init__(self):', () => {
      w.line('super().__init__()');
      for (const op of ir.ops) {
        const opPlan = plans.get(op.id);
        const m = moduleOf(opPlan?.steps ?? []);
        const differs = opPlan && countDiffers(op, opPlan.ctx);
        if (m && differs) w.comment(differs, op.id);
        if (m) w.line(`self.${op.name} = ${m}${labelComment(op)}`, op.id);
      }
    });
    w.blank();
    w.block('def forward(self, x):', () => {
      const vars = new Map<string, string>();
      for (const op of ir.ops) {
        if (op.id === ir.inputId) {
          vars.set(op.id, 'x');
          continue;
        }
        const target = ir.isChain ? 'x' : op.name;
        const ins = op.inputs.map((id) => vars.get(id)!);
        vars.set(op.id, target);
        const opPlan = plans.get(op.id)!;
        for (const note of opPlan.notes) w.comment(note, op.id);
        w.line(`${target} = ${forwardExpr(op, opPlan.steps, ins)}`, op.id);
      }
      w.line(`return ${vars.get(ir.outputId)!}`);
    });
    if (plan.logitsActivation) {
      w.blank();
      w.block('def predict_proba(self, x):', () => {
        w.line(
          `"""Probabilities: the ${plan.logitsActivation} that forward() leaves to the loss."""`,
        );
        w.line(`return ${probaExpr(plan, output.outputShape, 'self(x)')}`);
      });
    }
  });
}

/**
 * Where each op's weighted modules live in the built model, in step order: `model.dense_1`,
 * `model.conv_a[1]` (after a ZeroPad2d), or `model[3]` in nn.Sequential style.
 */
function weightModules(
  ir: ModelIR,
  plans: Map<string, OpPlan>,
  style: 'module' | 'sequential',
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let index = 0;
  for (const op of ir.ops) {
    const steps = plans.get(op.id)?.steps ?? [];
    const paths: string[] = [];
    if (style === 'sequential') {
      for (const s of steps) {
        if (s.weights) paths.push(`model[${index}]`);
        index += s.module ? 1 : (s.seq?.length ?? 0);
      }
    } else {
      const modules = steps.filter((s) => s.module);
      modules.forEach((s, at) => {
        if (s.weights)
          paths.push(modules.length === 1 ? `model.${op.name}` : `model.${op.name}[${at}]`);
      });
    }
    if (paths.length > 0) out.set(op.id, paths);
  }
  return out;
}

/** One `copy_weight`/`copy_array` call of `load_weights`. */
interface WeightCall {
  op: IrOp;
  /** `copy_weight(...)` arguments, or for `copy_array` when `array` is set. */
  tensor: string;
  key: string;
  axes?: string;
  /** numpy expression of the array, when more than a transpose. */
  array?: string;
}

/**
 * The copies `load_weights` makes, per op in model order, with each kind's note (said once per
 * kind). Throws when a kind lists a Keras array its `torch.weights` hook does not place.
 */
function weightCalls(
  ir: ModelIR,
  plans: Map<string, OpPlan>,
  modules: Map<string, string[]>,
): { op: IrOp; note: string; calls: WeightCall[] }[] {
  const out: { op: IrOp; note: string; calls: WeightCall[] }[] = [];
  for (const op of ir.ops) {
    const paths = modules.get(op.id);
    const opPlan = plans.get(op.id);
    if (!paths || !opPlan) continue;
    const hook = getLayer(op.type)!.torch.weights;
    if (!hook)
      throw new Error(`PyTorch back-end: ${op.type} has weights but no torch weight layout`);
    const layout = hook(opPlan.ctx);
    const calls: WeightCall[] = [];
    for (const { name } of expectedWeights(op)) {
      const copies = layout.arrays[name];
      if (!copies || copies.length === 0)
        throw new Error(
          `PyTorch back-end: ${op.type} does not say where Keras array "${name}" goes`,
        );
      const key = `${op.name}/${name}`;
      for (const copy of copies) {
        const path = paths[copy.module ?? 0];
        if (!path)
          throw new Error(`PyTorch back-end: ${op.type} has no weighted module ${copy.module}`);
        const tensor = `${path}.${copy.attr}`;
        const axes = copy.axes ? pyTuple(copy.axes) : undefined;
        if (copy.expr) {
          const raw = `arrays[${pyString(key)}]`;
          calls.push({
            op,
            tensor,
            key,
            array: copy.expr(axes ? `${raw}.transpose(${axes})` : raw),
          });
        } else {
          calls.push(axes ? { op, tensor, key, axes } : { op, tensor, key });
        }
      }
    }
    out.push({ op, note: layout.note, calls });
  }
  return out;
}

function writeCopyWeight(w: PyWriter, withArray: boolean): void {
  w.block('def copy_weight(tensor, arrays, key, axes=None):', () => {
    w.line(
      '"""Copies arrays[key] into a parameter or buffer, first reordering its axes if given."""',
    );
    w.line('array = arrays[key] if axes is None else arrays[key].transpose(axes)');
    w.block('if array.shape != tuple(tensor.shape):', () => {
      w.line(
        'raise ValueError(f"{key} has shape {array.shape}; the model wants {tuple(tensor.shape)}")',
      );
    });
    w.block('with torch.no_grad():', () => {
      w.line('tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))');
    });
  });
  if (!withArray) return;
  w.blank(2);
  w.block('def copy_array(tensor, array, key):', () => {
    w.line('"""Copies an array made from arrays[key] (a slice, a gate reorder) into a tensor."""');
    w.block('if array.shape != tuple(tensor.shape):', () => {
      w.line(
        'raise ValueError(f"{key} gives shape {array.shape}; the model wants {tuple(tensor.shape)}")',
      );
    });
    w.block('with torch.no_grad():', () => {
      w.line('tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))');
    });
  });
}

/** `load_weights(model, path)`: a Netwright weights.npz (Keras layouts) into build_model()'s model. */
function writeLoadWeights(w: PyWriter, ops: ReturnType<typeof weightCalls>): void {
  w.block('def load_weights(model, path):', () => {
    w.line('"""Loads a weights.npz exported by Netwright into a model made by build_model().');
    w.line('');
    w.line('The file holds one array per "<layer>/<array>" key, in Keras layouts: kernels are');
    w.line('transposed on the way in. Returns the model.');
    w.line('"""');
    w.block('with np.load(path) as arrays:', () => {
      const explained = new Set<string>();
      let any = false;
      for (const { op, note, calls } of ops) {
        if (!explained.has(op.type)) {
          explained.add(op.type);
          w.comment(note);
        }
        for (const c of calls) {
          const args = c.array
            ? [c.tensor, c.array, pyString(c.key)]
            : [c.tensor, 'arrays', pyString(c.key), ...(c.axes ? [c.axes] : [])];
          const call = `${c.array ? 'copy_array' : 'copy_weight'}(${args.join(', ')})`;
          if (call.length + 8 <= 99) {
            w.line(call, op.id);
          } else {
            w.line(`${c.array ? 'copy_array' : 'copy_weight'}(`, op.id);
            const joined = `    ${args.join(', ')}`;
            // copy_weight keeps one line of arguments (its files stay as they were).
            if (!c.array || joined.length + 8 <= 99) w.line(joined, op.id);
            else for (const a of args) w.line(`    ${a},`, op.id);
            w.line(')', op.id);
          }
          any = true;
        }
      }
      if (!any) w.line('pass  # this network has no weights');
    });
    w.line('return model');
  });
}

function probaExpr(plan: LossPlan, outputShape: Shape, logits: string): string {
  return plan.logitsActivation === 'softmax'
    ? `torch.softmax(${logits}, dim=${heldSpatialRank(outputShape) > 0 ? 1 : -1})`
    : `torch.sigmoid(${logits})`;
}

function writeSequentialModel(
  w: PyWriter,
  source: CodegenSource,
  plans: Map<string, OpPlan>,
  plan: LossPlan,
): void {
  const { ir } = source;
  const input = ir.ops[0]!;
  const output = ir.ops.at(-1)!;
  w.block('def build_model():', () => {
    w.line(`"""${pyDocText(source.name)}, the network drawn in Netwright, as nn.Sequential.`);
    w.line('');
    w.line(
      `Input: ${describeShape(input.outputShape)}${tokenIds(input)}. Output: ${plan.logitsActivation ? 'logits ' : ''}${describeShape(output.outputShape)}.`,
    );
    w.line('"""');
    w.line('return nn.Sequential(');
    w.indent(() => {
      for (const op of ir.ops.slice(1)) {
        const opPlan = plans.get(op.id)!;
        for (const note of opPlan.notes) w.comment(`${op.name}: ${note}`, op.id);
        const differs = countDiffers(op, opPlan.ctx);
        if (differs) w.comment(`${op.name}: ${differs}`, op.id);
        opPlan.steps.forEach((s, i) => {
          const mods = s.module ? [s.module] : (s.seq ?? []);
          mods.forEach((m, j) => {
            const tag =
              i === 0 && j === 0 ? `  # ${op.name}${labelComment(op).replace('  #', ':')}` : '';
            w.line(`${m},${tag}`, op.id);
          });
        });
      }
    });
    w.line(')');
  });
  if (plan.logitsActivation) {
    w.blank(2);
    w.block('def predict_proba(model, x):', () => {
      w.line(
        `"""Probabilities: the ${plan.logitsActivation} that the model leaves to the loss."""`,
      );
      w.line(`return ${probaExpr(plan, output.outputShape, 'model(x)')}`);
    });
  }
}

function writeTargets(w: PyWriter, plan: LossPlan): void {
  switch (plan.targets) {
    case 'class_ids':
      w.line(`y = y.long()  # class ids, as ${lossModuleName(plan)} expects`);
      return;
    case 'one_hot':
      if (plan.loss === 'mse') {
        w.line(
          `y = F.one_hot(y.long(), ${pyNumber(plan.units)}).float()  # one-hot rows, like the output`,
        );
      } else {
        w.comment(
          `categorical cross-entropy: ${lossModuleName(plan)} takes the class ids directly.`,
        );
        w.line('y = y.long()');
      }
      return;
    case 'binary':
    case 'values':
      w.line('y = y.float().reshape(-1, 1)  # one target per example, like the output');
      return;
  }
}

function writeRunEpoch(w: PyWriter, plan: LossPlan, distributed: boolean): void {
  const metric = plan.metric === 'mae' ? 'mean absolute error' : 'accuracy';
  w.block('def run_epoch(model, loader, criterion, device, optimizer=None):', () => {
    w.line(
      `"""One pass over the data; trains when given an optimizer. Returns loss, ${metric}."""`,
    );
    w.line('training = optimizer is not None');
    w.line('model.train(training)  # Dropout and BatchNorm behave differently when training');
    w.line('total_loss, total_metric, count = 0.0, 0.0, 0');
    w.block('with torch.set_grad_enabled(training):', () => {
      w.block('for inputs, targets in loader:', () => {
        w.line('inputs, targets = inputs.to(device), targets.to(device)');
        w.line('outputs = model(inputs)');
        w.line('loss = criterion(outputs, targets)');
        w.block('if training:', () => {
          w.line('optimizer.zero_grad()');
          w.line('loss.backward()');
          w.line('optimizer.step()');
        });
        w.line('total_loss += loss.item() * len(inputs)');
        if (plan.metric === 'mae') {
          w.line('total_metric += (outputs - targets).abs().mean(dim=1).sum().item()');
        } else if (plan.targets === 'binary') {
          w.line(
            probabilityLoss(plan)
              ? 'predicted = (outputs > 0.5).float()  # the outputs are probabilities'
              : 'predicted = (outputs > 0).float()  # logit > 0 means probability > 0.5',
          );
          w.line('total_metric += (predicted == targets).sum().item()');
        } else if (plan.loss === 'mse') {
          w.line('total_metric += (outputs.argmax(dim=1) == targets.argmax(dim=1)).sum().item()');
        } else {
          w.line('total_metric += (outputs.argmax(dim=1) == targets).sum().item()');
        }
        w.line('count += len(inputs)');
      });
    });
    if (distributed) {
      w.comment('Each process saw its own share of the data: add up the sums of all processes.');
      w.line(
        'sums = torch.tensor([total_loss, total_metric, count], dtype=torch.float64, device=device)',
      );
      w.line('dist.all_reduce(sums)');
      w.line('total_loss, total_metric, count = sums.tolist()');
    }
    w.line('return total_loss / count, total_metric / count');
  });
}

function writeMain(
  w: PyWriter,
  source: CodegenSource,
  plan: LossPlan,
  opts: Required<CodegenOptions>,
): void {
  const { ir, training } = source;
  const inputRank = heldSpatialRank(ir.ops[0]!.outputShape);
  const hasVal = training.validationSplit > 0;
  const dist = opts.distributed;
  const metricName = plan.metric === 'mae' ? 'mae' : 'accuracy';
  w.block(MAIN_DEF, () => {
    writeMainDoc(w);
    if (dist) {
      w.comment('torchrun starts one process per GPU (or CPU worker) and tells each its RANK,');
      w.comment('LOCAL_RANK and WORLD_SIZE; init_process_group reads them from the environment.');
      w.line('use_cuda = torch.cuda.is_available()');
      w.line('dist.init_process_group("nccl" if use_cuda else "gloo")');
      w.line('rank = dist.get_rank()');
      w.line('local_rank = int(os.environ["LOCAL_RANK"])');
      w.line('device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")');
      w.block('if use_cuda:', () => w.line('torch.cuda.set_device(device)'));
      w.line('torch.manual_seed(SEED)  # every process starts from the same weights');
    } else {
      w.line('device = torch.device("cuda" if torch.cuda.is_available() else "cpu")');
      w.line('torch.manual_seed(SEED)  # the same start weights and shuffling each run');
    }
    w.blank();
    writeMainData(w);
    w.line('x, y = torch.from_numpy(x), torch.from_numpy(y)');
    if (ir.ops[0]!.params.dtype === 'int32')
      w.line('x = x.long()  # token ids: nn.Embedding looks up int64 (torch.long) indices');
    if (inputRank > 0)
      w.line(
        `x = x.permute(${dims(toChannelsFirst(inputRank))})  # channels first: (N, H, W, C) → (N, C, H, W)`,
      );
    writeTargets(w, plan);
    if (hasVal) {
      w.comment("Hold out the last examples for validation, as Keras' validation_split does.");
      w.line('n_train = len(x) - int(len(x) * VALIDATION_SPLIT)');
      w.line('train_set = TensorDataset(x[:n_train], y[:n_train])');
      w.line('val_set = TensorDataset(x[n_train:], y[n_train:])');
    } else {
      w.line('train_set = TensorDataset(x, y)');
    }
    if (dist) {
      w.comment('Each process trains on its own share of the examples, a new split every epoch.');
      w.comment('BATCH_SIZE is per process: the effective batch is BATCH_SIZE × WORLD_SIZE.');
      w.line('sampler = DistributedSampler(train_set, shuffle=SHUFFLE, seed=SEED)');
      w.line('train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, sampler=sampler)');
      if (hasVal) {
        w.line('val_sampler = DistributedSampler(val_set, shuffle=False)');
        w.line('val_loader = DataLoader(val_set, batch_size=BATCH_SIZE, sampler=val_sampler)');
      }
    } else {
      w.line('train_loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=SHUFFLE)');
      if (hasVal) w.line('val_loader = DataLoader(val_set, batch_size=BATCH_SIZE)');
    }
    w.blank();
    w.line('model = build_model().to(device)');
    w.block('if weights_file:', () => {
      w.line('load_weights(model, weights_file)  # e.g. the weights trained in Netwright');
    });
    let trained = 'model';
    if (dist) {
      w.comment(
        'DDP keeps the copies in step: backward() averages the gradients of all processes.',
      );
      w.line('ddp_model = DDP(model, device_ids=[local_rank] if use_cuda else None)');
      trained = 'ddp_model';
    }
    w.line(`criterion = ${criterionFor(plan)}`);
    const optimizer = (OPTIMIZERS[training.optimizer] ?? OPTIMIZERS.adam!).replace(
      '{params}',
      `${trained}.parameters()`,
    );
    w.line(`optimizer = ${optimizer}`);
    if (opts.tensorboard) {
      if (dist) w.line('writer = SummaryWriter(LOG_DIR) if rank == 0 else None');
      else w.line('writer = SummaryWriter(LOG_DIR)');
    }
    w.blank();
    w.block('for epoch in range(epochs):', () => {
      if (dist) w.line('sampler.set_epoch(epoch)  # reshuffle, the same way on every process');
      w.line(
        `loss, ${metricName} = run_epoch(${trained}, train_loader, criterion, device, optimizer)`,
      );
      const report = [
        `f"epoch {epoch + 1}/{epochs}  loss {loss:.4f}  ${metricName} {${metricName}:.4f}"`,
      ];
      if (hasVal) {
        w.line(
          `val_loss, val_${metricName} = run_epoch(${trained}, val_loader, criterion, device)`,
        );
        report.push(`f"  val_loss {val_loss:.4f}  val_${metricName} {val_${metricName}:.4f}"`);
      }
      const print = () => {
        w.line('print(');
        for (const part of report) w.line(`    ${part}`);
        w.line(')');
        if (opts.tensorboard) {
          const wr = dist ? 'writer' : 'writer';
          w.line(`${wr}.add_scalar("loss/train", loss, epoch)`);
          w.line(`${wr}.add_scalar("${metricName}/train", ${metricName}, epoch)`);
          if (hasVal) {
            w.line(`${wr}.add_scalar("loss/validation", val_loss, epoch)`);
            w.line(`${wr}.add_scalar("${metricName}/validation", val_${metricName}, epoch)`);
          }
        }
      };
      if (dist) w.block('if rank == 0:  # one process reports', print);
      else print();
    });
    if (opts.tensorboard) {
      if (dist) w.block('if writer is not None:', () => w.line('writer.close()'));
      else w.line('writer.close()');
    }
    if (dist) {
      // Without the barrier one gloo process could leave while the other still waited in
      // destroy_process_group (torch 1.13: 3 of 4 torchrun runs hung in tests/py/ddp.test.ts).
      w.line('dist.barrier()  # every process has finished before any leaves');
      w.line('dist.destroy_process_group()');
    }
    w.line('return model');
  });
}

/** The complete PyTorch script for a project. */
export function generatePytorch(
  source: CodegenSource,
  options: PytorchOptions = {},
): GeneratedCode {
  const opts = withDefaults(options);
  const { ir, training } = source;
  const plan = lossPlan(ir, training.loss);
  const needs: Needs = { functional: false, permute: false, helpers: new Map() };
  const plans = new Map<string, OpPlan>();
  // The op whose activation the loss may take over (the output, or the block before a Dropout).
  const activationOpId = outputActivationOp(ir)?.id;
  for (const op of ir.ops) {
    if (op.id === ir.inputId) continue;
    plans.set(op.id, planOp(op, plan, op.id === activationOpId, needs));
  }
  // nn.Sequential passes one tensor from module to module: a chain whose ops all fit (no step
  // with its own `call`, e.g. an LSTM's `(out, state)` tuple) can be written that way.
  const fitsSequential =
    source.ir.isChain && [...plans.values()].every((p) => p.steps.every((s) => !s.call));
  const style = options.style === 'sequential' && fitsSequential ? 'sequential' : 'module';
  if (style === 'module') needs.permute = false; // module style permutes inline
  if (opts.includeTraining && plan.targets === 'one_hot' && plan.loss === 'mse')
    needs.functional = true;
  let className = pythonClassName(source.name);
  if (FILE_NAMES.has(className) || needs.helpers.has(className)) className = `${className}Model`;

  const w = new PyWriter();
  const run = !opts.includeTraining
    ? []
    : opts.distributed
      ? [
          `torchrun --nproc_per_node=2 ${PYTORCH_FILENAME}    # 2 processes on this machine`,
          `torchrun --nproc_per_node=gpu ${PYTORCH_FILENAME}  # one process per GPU`,
        ]
      : [
          `python ${PYTORCH_FILENAME}`,
          `python ${PYTORCH_FILENAME} ${WEIGHTS_RUN}`,
          ...(datasetReadsFiles(training.dataset)
            ? [`python ${PYTORCH_FILENAME} ${DATA_RUN}`]
            : []),
        ];
  if (opts.includeTraining) run.unshift(installLine('pytorch', training.dataset), '');
  if (opts.includeTraining && opts.tensorboard) run.push('tensorboard --logdir logs');
  const notes = opts.distributed
    ? [
        'Training runs in parallel with DistributedDataParallel: gloo on CPUs, nccl on GPUs.',
        'For several machines add --nnodes=M --node_rank=I --rdzv_endpoint=HOST:PORT.',
      ]
    : [];
  writeFileDocstring(w, source, 'a PyTorch model.', run, notes);
  w.blank();
  if (opts.includeTraining) w.line('import argparse');
  if (opts.includeTraining) for (const m of datasetImports(training.dataset)) w.line(`import ${m}`);
  if (opts.includeTraining && (opts.distributed || datasetReadsFiles(training.dataset)))
    w.line('import os');
  w.blank();
  w.line('import numpy as np');
  if (opts.includeTraining && datasetNeedsPandas(training.dataset)) w.line('import pandas as pd');
  w.line('import torch');
  if (opts.includeTraining && opts.distributed) w.line('import torch.distributed as dist');
  if (needs.functional) w.line('import torch.nn.functional as F');
  w.line('from torch import nn');
  if (opts.includeTraining) {
    if (opts.distributed) w.line('from torch.nn.parallel import DistributedDataParallel as DDP');
    w.line('from torch.utils.data import DataLoader, TensorDataset');
    if (opts.distributed) w.line('from torch.utils.data.distributed import DistributedSampler');
    if (opts.tensorboard) w.line('from torch.utils.tensorboard import SummaryWriter');
  }
  w.blank();
  writeSettings(w, source, () => {
    if (opts.tensorboard) w.line('LOG_DIR = "logs"  # TensorBoard reads its logs from here');
    writeDatasetConstants(w, training.dataset, training.csv, training);
  });
  w.blank(2);
  writeHelpers(w, needs);

  if (style === 'module') {
    writeModuleClass(w, className, source, plans, plan);
    w.blank(2);
    w.block('def build_model():', () => {
      w.line(`return ${className}()`);
    });
  } else {
    writeSequentialModel(w, source, plans, plan);
  }
  w.blank(2);
  const loads = weightCalls(ir, plans, weightModules(ir, plans, style));
  writeCopyWeight(
    w,
    loads.some((l) => l.calls.some((c) => c.array)),
  );
  w.blank(2);
  writeLoadWeights(w, loads);
  w.blank(2);

  if (!opts.includeTraining) {
    w.block('if __name__ == "__main__":', () => {
      w.line('model = build_model()');
      w.line('print(model)');
      w.line(
        'print("Trainable parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))',
      );
    });
    return { filename: PYTORCH_FILENAME, code: w.toString(), lineOwners: w.lineOwners() };
  }
  writeLoadData(w, 'pytorch', training.dataset, plan, training.csv);
  w.blank(2);
  if (probabilityLoss(plan)) {
    writeProbabilityLoss(w, plan);
    w.blank(2);
  }
  writeRunEpoch(w, plan, opts.distributed);
  w.blank(2);
  writeMain(w, source, plan, opts);
  w.blank(2);
  writeMainCall(w, datasetReadsFiles(training.dataset));
  return { filename: PYTORCH_FILENAME, code: w.toString(), lineOwners: w.lineOwners() };
}

export type { ModelIR };
