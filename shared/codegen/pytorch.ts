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
 */
import type { IrOp, ModelIR } from '../ir/lower.ts';
import { LEAKY_RELU_SLOPE } from '../layers/activations.ts';
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
import {
  PyWriter,
  pyCommentText,
  pyDocText,
  pyFloat,
  pyNumber,
  pyString,
  pyTuple,
} from './py-writer.ts';

export const PYTORCH_FILENAME = 'torch_model.py';

export interface PytorchOptions extends CodegenOptions {
  /** `module` (default): a `nn.Module` class; `sequential`: `nn.Sequential` when a chain. */
  style?: 'module' | 'sequential';
}

/** One step of an op's computation in PyTorch. */
interface Step {
  /** A module with parameters or state, e.g. `nn.Linear(784, 128)`. */
  module?: string;
  /** A functional expression on the value `v` (module style) ... */
  fn?: (v: string) => string;
  /** ... and the modules that do the same inside `nn.Sequential`. */
  seq?: string[];
  /** The module holds the op's weights (`nn.Linear`, `nn.Conv2d`, `nn.BatchNorm*`, `nn.LayerNorm`). */
  weights?: true;
}

interface OpPlan {
  steps: Step[];
  /** Comment lines explaining a Keras → PyTorch difference. */
  notes: string[];
}

/** Tracks what the file needs: `F`, helper classes. */
interface Needs {
  functional: boolean;
  permute: boolean;
  avgPoolSame: boolean;
}

/** The PyTorch shape of a Keras shape (without batch): (H, W, C) → (C, H, W). */
export function torchShape(shape: Shape): number[] {
  return shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : [...shape];
}

const isMap = (shape: Shape): boolean => shape.length === 3;

const TO_LAST = '0, 2, 3, 1';
const TO_FIRST = '0, 3, 1, 2';

function permuteStep(dims: string): Step {
  return { fn: (v) => `${v}.permute(${dims})`, seq: [`Permute(${dims})`] };
}

function activationStep(act: string, channelsFirst: boolean, needs: Needs): Step | null {
  const dim = channelsFirst ? 1 : -1;
  const f = (expr: (v: string) => string, seq: string, functional = false): Step => {
    if (functional) needs.functional = true;
    return { fn: expr, seq: [seq] };
  };
  switch (act) {
    case 'linear':
      return null;
    case 'relu':
      return f((v) => `torch.relu(${v})`, 'nn.ReLU()');
    case 'sigmoid':
      return f((v) => `torch.sigmoid(${v})`, 'nn.Sigmoid()');
    case 'tanh':
      return f((v) => `torch.tanh(${v})`, 'nn.Tanh()');
    case 'softmax':
      return f((v) => `torch.softmax(${v}, dim=${dim})`, `nn.Softmax(dim=${dim})`);
    case 'elu':
      return f((v) => `F.elu(${v})`, 'nn.ELU()', true);
    case 'selu':
      return f((v) => `F.selu(${v})`, 'nn.SELU()', true);
    case 'gelu':
      return f((v) => `F.gelu(${v})`, 'nn.GELU()', true);
    case 'softplus':
      return f((v) => `F.softplus(${v})`, 'nn.Softplus()', true);
    case 'leaky_relu':
      return f(
        (v) => `F.leaky_relu(${v}, ${pyFloat(LEAKY_RELU_SLOPE)})`,
        `nn.LeakyReLU(${pyFloat(LEAKY_RELU_SLOPE)})`,
        true,
      );
    default:
      throw new Error(`PyTorch back-end: unknown activation "${act}"`);
  }
}

/** `3` for a square size, else `(3, 5)`. */
function size2(pair: readonly number[]): string {
  return pair[0] === pair[1] ? pyNumber(pair[0]!) : pyTuple(pair);
}

/** TensorFlow's 'same' padding for one axis: (before, after). */
export function samePadding(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** (left, right, top, bottom) pads for 'same' on an (H, W, C) input, as `F.pad` orders them. */
function samePads(input: Shape, window: readonly number[], strides: readonly number[]) {
  const [top, bottom] = samePadding(input[0]!, window[0]!, strides[0]!);
  const [left, right] = samePadding(input[1]!, window[1]!, strides[1]!);
  return { left, right, top, bottom };
}

/** Rounds away float noise: 1 - 0.99 → 0.01. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

function planOp(op: IrOp, plan: LossPlan, isOutput: boolean, needs: Needs): OpPlan {
  const p = op.params;
  const input = op.inputShapes[0] ?? [];
  const notes: string[] = [];
  const steps: Step[] = [];
  const act = (name: string, channelsFirst: boolean) => {
    if (isOutput && plan.logitsActivation === name) {
      notes.push(
        plan.logitsActivation === 'softmax'
          ? 'No softmax here: nn.CrossEntropyLoss applies log-softmax to the logits itself, and a second softmax would squash the gradients (the double-softmax bug). predict_proba() applies it.'
          : 'No sigmoid here: nn.BCEWithLogitsLoss applies it to the logits itself, more stably. predict_proba() applies it.',
      );
      return;
    }
    const step = activationStep(name, channelsFirst, needs);
    if (step) steps.push(step);
  };
  switch (op.type) {
    case 'Dense': {
      const bias = p.use_bias ? '' : ', bias=False';
      const linear = `nn.Linear(${input.at(-1)}, ${p.units}${bias})`;
      if (isMap(input)) {
        notes.push('Dense acts on the channels, which Keras keeps last: move them there and back.');
        steps.push(permuteStep(TO_LAST), { module: linear, weights: true });
        act(p.activation as string, false);
        steps.push(permuteStep(TO_FIRST));
      } else {
        steps.push({ module: linear, weights: true });
        act(p.activation as string, false);
      }
      break;
    }
    case 'Conv2D': {
      const kernel = p.kernel_size as number[];
      const strides = p.strides as number[];
      const args = [`${input[2]}`, `${p.filters}`, `kernel_size=${size2(kernel)}`];
      if (strides.some((s) => s !== 1)) args.push(`stride=${size2(strides)}`);
      if (p.padding === 'same') {
        const pads = samePads(input, kernel, strides);
        if (strides.every((s) => s === 1)) {
          args.push('padding="same"');
        } else if (pads.left === pads.right && pads.top === pads.bottom) {
          if (pads.top + pads.left > 0) args.push(`padding=${size2([pads.top, pads.left])}`);
        } else {
          notes.push(
            "TensorFlow's 'same' padding with stride > 1 pads more at the bottom and right.",
          );
          steps.push({
            module: `nn.ZeroPad2d(${pyTuple([pads.left, pads.right, pads.top, pads.bottom])})`,
          });
        }
      }
      if (!p.use_bias) args.push('bias=False');
      steps.push({ module: `nn.Conv2d(${args.join(', ')})`, weights: true });
      act(p.activation as string, true);
      break;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const max = op.type === 'MaxPooling2D';
      const pool = p.pool_size as number[];
      const strides = (p.strides as number[] | null) ?? pool;
      const cls = max ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
      const args = [size2(pool)];
      if (strides.some((s, i) => s !== pool[i])) args.push(`stride=${size2(strides)}`);
      const pads =
        p.padding === 'same'
          ? samePads(input, pool, strides)
          : { left: 0, right: 0, top: 0, bottom: 0 };
      const padTuple = pyTuple([pads.left, pads.right, pads.top, pads.bottom]);
      if (pads.left === pads.right && pads.top === pads.bottom) {
        if (pads.top + pads.left > 0) {
          args.push(`padding=${size2([pads.top, pads.left])}`);
          if (!max) {
            notes.push("Like TensorFlow's 'same', average only the cells inside the image.");
            args.push('count_include_pad=False');
          }
        }
        steps.push({ module: `${cls}(${args.join(', ')})` });
      } else if (max) {
        notes.push(
          "TensorFlow's 'same' pads more at the bottom and right; -inf never wins the max.",
        );
        steps.push({ module: `nn.ConstantPad2d(${padTuple}, float("-inf"))` });
        steps.push({ module: `${cls}(${args.join(', ')})` });
      } else {
        needs.avgPoolSame = true;
        needs.functional = true;
        notes.push("TensorFlow's 'same' pads more at the bottom and right; see AvgPool2dSame.");
        steps.push({
          module: `AvgPool2dSame(${size2(pool)}, ${size2(strides)}, ${padTuple})`,
        });
      }
      break;
    }
    case 'GlobalAveragePooling2D':
      steps.push({
        fn: (v) => `${v}.mean(dim=(2, 3))`,
        seq: ['nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()'],
      });
      break;
    case 'Flatten':
      if (isMap(input)) {
        notes.push(
          'Keras flattens channels last, (H, W, C): permute first so the order of the values (and the weights of the next layer) match.',
        );
        steps.push(permuteStep(TO_LAST));
      }
      steps.push({ fn: (v) => `${v}.flatten(1)`, seq: ['nn.Flatten()'] });
      break;
    case 'Reshape': {
      const target = op.outputShape;
      notes.push(
        isMap(input) || isMap(target)
          ? 'Reshape works on the channels-last order, as in Keras.'
          : '',
      );
      if (isMap(input)) steps.push(permuteStep(TO_LAST));
      const seq: string[] = [];
      if (input.length > 1) seq.push('nn.Flatten()');
      if (target.length > 1) seq.push(`nn.Unflatten(1, ${pyTuple(target)})`);
      if (seq.length === 0) seq.push('nn.Identity()');
      steps.push({ fn: (v) => `${v}.reshape(-1, ${target.map(pyNumber).join(', ')})`, seq });
      if (isMap(target)) steps.push(permuteStep(TO_FIRST));
      break;
    }
    case 'Activation':
      act(p.activation as string, isMap(input));
      if (steps.length === 0 && notes.length === 0)
        steps.push({ fn: (v) => v, seq: ['nn.Identity()'] });
      break;
    case 'Dropout':
      steps.push({ module: `nn.Dropout(${pyFloat(p.rate as number)})` });
      break;
    case 'BatchNormalization': {
      const features = input.at(-1)!;
      const momentum = clean(1 - (p.momentum as number));
      const cls = isMap(input) ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d';
      notes.push(
        `PyTorch's momentum weights the new batch: Keras momentum ${p.momentum} = PyTorch ${momentum}.`,
      );
      const bn = `${cls}(${features}, eps=${pyFloat(p.epsilon as number)}, momentum=${pyFloat(momentum)})`;
      if (input.length === 2) {
        notes.push('BatchNorm1d wants the features on axis 1: swap them there and back.');
        steps.push(
          { fn: (v) => `${v}.transpose(1, 2)`, seq: ['Permute(0, 2, 1)'] },
          { module: bn, weights: true },
          { fn: (v) => `${v}.transpose(1, 2)`, seq: ['Permute(0, 2, 1)'] },
        );
        needs.permute = true;
      } else {
        steps.push({ module: bn, weights: true });
      }
      break;
    }
    case 'LayerNormalization': {
      const features = input.at(-1)!;
      const ln = `nn.LayerNorm(${features}, eps=${pyFloat(p.epsilon as number)})`;
      if (isMap(input)) {
        notes.push('Keras normalises the last axis, the channels: move them last and back.');
        steps.push(permuteStep(TO_LAST), { module: ln, weights: true }, permuteStep(TO_FIRST));
      } else {
        steps.push({ module: ln, weights: true });
      }
      break;
    }
    default:
      throw new Error(`PyTorch back-end: no layer for block type "${op.type}"`);
  }
  for (const s of steps) if (s.seq?.some((m) => m.startsWith('Permute('))) needs.permute = true;
  return { steps, notes: notes.filter((n) => n !== '') };
}

/** The module of an op in module style: one module, or an `nn.Sequential` of consecutive ones. */
function moduleOf(steps: Step[]): string | null {
  const modules = steps.filter((s) => s.module).map((s) => s.module!);
  if (modules.length === 0) return null;
  return modules.length === 1 ? modules[0]! : `nn.Sequential(${modules.join(', ')})`;
}

/** The forward expression of an op's steps applied to `v`, module style. */
function forwardExpr(op: IrOp, steps: Step[], v: string): string {
  let expr = v;
  let moduleDone = false;
  for (const s of steps) {
    if (s.module) {
      if (!moduleDone) expr = `self.${op.name}(${expr})`;
      moduleDone = true;
    } else if (s.fn) {
      expr = s.fn(expr);
    }
  }
  return expr;
}

/**
 * One operand of an element-wise merge as PyTorch must see it to broadcast as Keras does: an
 * input of lower rank than the output gets size-1 axes after the batch axis (Keras's rule), and
 * the layouts are reconciled: a rank-3 Keras shape `(H, W, C)` is `(N, C, H, W)` here. E.g. a
 * `(3)` operand of a `(4, 4, 3)` sum: `v.reshape(-1, 1, 1, 3).permute(0, 3, 1, 2)` → `(N, 3, 1, 1)`.
 * Operands of the output's rank are returned unchanged (same layout, PyTorch broadcasts them).
 */
export function broadcastOperand(v: string, shape: Shape, outShape: Shape): string {
  if (shape.length === outShape.length) return v;
  const expanded = [...Array<number>(outShape.length - shape.length).fill(1), ...shape];
  const last = isMap(shape) ? `${v}.permute(${TO_LAST})` : v;
  const reshaped = `${last}.reshape(-1, ${expanded.join(', ')})`;
  return isMap(outShape) ? `${reshaped}.permute(${TO_FIRST})` : reshaped;
}

/** `torch.cat` dimension for a Keras Concatenate axis (counting the batch axis). */
export function torchConcatDim(axis: number, shape: Shape): number {
  const rank = shape.length;
  const featureAxis = axis < 0 ? rank + axis : axis - 1;
  if (rank === 3) return [2, 3, 1][featureAxis]!;
  return featureAxis + 1;
}

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
  'F DataLoader TensorDataset DistributedSampler DDP SummaryWriter Permute AvgPool2dSame'.split(
    ' ',
  ),
);

function describeShape(shape: Shape): string {
  const t = torchShape(shape);
  return isMap(shape) ? `(N, C, H, W) = (N, ${t.join(', ')})` : `(N, ${t.join(', ')})`;
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
  if (needs.avgPoolSame) {
    w.block('class AvgPool2dSame(nn.Module):', () => {
      w.line(
        '"""Average pooling with TensorFlow\'s \'same\' padding (padding = (left, right, top,',
      );
      w.line('bottom)): like Keras, each window averages only the cells inside the image."""');
      w.blank();
      w.block('def __init__(self, kernel_size, stride, padding):', () => {
        w.line('super().__init__()');
        w.line('self.padding = padding');
        w.line('self.pool = nn.AvgPool2d(kernel_size, stride)');
      });
      w.blank();
      w.block('def forward(self, x):', () => {
        w.line('inside = torch.ones_like(x[:, :1])  # 1 inside the image, 0 in the padding');
        w.line('return self.pool(F.pad(x, self.padding)) / self.pool(F.pad(inside, self.padding))');
      });
    });
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
      `Input: ${describeShape(input.outputShape)}${isMap(input.outputShape) ? ', channels first as PyTorch convolutions expect' : ''}.`,
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
        const m = moduleOf(plans.get(op.id)?.steps ?? []);
        if (m) w.line(`self.${op.name} = ${m}${labelComment(op)}`, op.id);
      }
    });
    w.blank();
    w.block('def forward(self, x):', () => {
      const vars = new Map<string, string>();
      for (const op of ir.ops) {
        if (op.type === 'Input') {
          vars.set(op.id, 'x');
          continue;
        }
        const target = ir.isChain ? 'x' : op.name;
        const ins = op.inputs.map((id) => vars.get(id)!);
        vars.set(op.id, target);
        if (op.type === 'Add') {
          const terms = ins.map((v, i) => broadcastOperand(v, op.inputShapes[i]!, op.outputShape));
          w.line(`${target} = ${terms.join(' + ')}`, op.id);
          continue;
        }
        if (op.type === 'Concatenate') {
          const dim = torchConcatDim(op.params.axis as number, op.inputShapes[0]!);
          w.line(`${target} = torch.cat([${ins.join(', ')}], dim=${dim})`, op.id);
          continue;
        }
        const opPlan = plans.get(op.id)!;
        for (const note of opPlan.notes) w.comment(note, op.id);
        w.line(`${target} = ${forwardExpr(op, opPlan.steps, ins[0]!)}`, op.id);
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
 * Where each op's weighted module lives in the built model: `model.dense_1`, `model.conv_a[1]`
 * (after a ZeroPad2d), or `model[3]` in nn.Sequential style.
 */
function weightModules(
  ir: ModelIR,
  plans: Map<string, OpPlan>,
  style: 'module' | 'sequential',
): Map<string, string> {
  const out = new Map<string, string>();
  let index = 0;
  for (const op of ir.ops) {
    const steps = plans.get(op.id)?.steps ?? [];
    if (style === 'sequential') {
      for (const s of steps) {
        if (s.weights) out.set(op.id, `model[${index}]`);
        index += s.module ? 1 : (s.seq?.length ?? 0);
      }
      continue;
    }
    const modules = steps.filter((s) => s.module);
    const at = modules.findIndex((s) => s.weights);
    if (at >= 0)
      out.set(op.id, modules.length === 1 ? `model.${op.name}` : `model.${op.name}[${at}]`);
  }
  return out;
}

/** A Keras array → the PyTorch parameter or buffer it fills, and how its axes move. */
const TORCH_ARRAYS: Record<string, { attr: string; axes?: string }> = {
  'Dense/kernel': { attr: 'weight', axes: '(1, 0)' },
  'Conv2D/kernel': { attr: 'weight', axes: '(3, 2, 0, 1)' },
  bias: { attr: 'bias' },
  gamma: { attr: 'weight' },
  beta: { attr: 'bias' },
  moving_mean: { attr: 'running_mean' },
  moving_variance: { attr: 'running_var' },
};

/** Said once, before the first layer of each kind. */
const LOAD_NOTES: Record<string, string> = {
  Dense: 'Dense kernels: Keras [in, out] → nn.Linear [out, in].',
  Conv2D: 'Conv2D kernels: Keras [height, width, in, out] → nn.Conv2d [out, in, height, width].',
  BatchNormalization:
    'BatchNormalization: gamma, beta, moving mean and variance → weight, bias, running_mean, running_var.',
  LayerNormalization: 'LayerNormalization: gamma, beta → weight, bias.',
};

function writeCopyWeight(w: PyWriter): void {
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
}

/** `load_weights(model, path)`: a Netwright weights.npz (Keras layouts) into build_model()'s model. */
function writeLoadWeights(w: PyWriter, ir: ModelIR, modules: Map<string, string>): void {
  w.block('def load_weights(model, path):', () => {
    w.line('"""Loads a weights.npz exported by Netwright into a model made by build_model().');
    w.line('');
    w.line('The file holds one array per "<layer>/<array>" key, in Keras layouts: kernels are');
    w.line('transposed on the way in. Returns the model.');
    w.line('"""');
    w.block('with np.load(path) as arrays:', () => {
      const explained = new Set<string>();
      let any = false;
      for (const op of ir.ops) {
        const module = modules.get(op.id);
        if (!module) continue;
        if (!explained.has(op.type)) {
          explained.add(op.type);
          w.comment(LOAD_NOTES[op.type]!);
        }
        for (const { name } of expectedWeights(op)) {
          const how = TORCH_ARRAYS[`${op.type}/${name}`] ?? TORCH_ARRAYS[name]!;
          const args = [`${module}.${how.attr}`, 'arrays', pyString(`${op.name}/${name}`)];
          if (how.axes) args.push(how.axes);
          const call = `copy_weight(${args.join(', ')})`;
          if (call.length + 8 <= 99) {
            w.line(call, op.id);
          } else {
            w.line('copy_weight(', op.id);
            w.line(`    ${args.join(', ')}`, op.id);
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
    ? `torch.softmax(${logits}, dim=${isMap(outputShape) ? 1 : -1})`
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
      `Input: ${describeShape(input.outputShape)}. Output: ${plan.logitsActivation ? 'logits ' : ''}${describeShape(output.outputShape)}.`,
    );
    w.line('"""');
    w.line('return nn.Sequential(');
    w.indent(() => {
      for (const op of ir.ops.slice(1)) {
        const opPlan = plans.get(op.id)!;
        for (const note of opPlan.notes) w.comment(`${op.name}: ${note}`, op.id);
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
  const conv = isMap(ir.ops[0]!.outputShape);
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
    if (conv) w.line('x = x.permute(0, 3, 1, 2)  # channels first: (N, H, W, C) → (N, C, H, W)');
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
    if (dist) w.line('dist.destroy_process_group()');
    w.line('return model');
  });
}

/** The complete PyTorch script for a project. */
export function generatePytorch(
  source: CodegenSource,
  options: PytorchOptions = {},
): GeneratedCode {
  const opts = withDefaults(options);
  const style = options.style === 'sequential' && source.ir.isChain ? 'sequential' : 'module';
  const { ir, training } = source;
  const plan = lossPlan(ir, training.loss);
  const needs: Needs = { functional: false, permute: false, avgPoolSame: false };
  const plans = new Map<string, OpPlan>();
  // The op whose activation the loss may take over (the output, or the block before a Dropout).
  const activationOpId = outputActivationOp(ir)?.id;
  for (const op of ir.ops) {
    if (op.type === 'Input' || op.type === 'Add' || op.type === 'Concatenate') continue;
    plans.set(op.id, planOp(op, plan, op.id === activationOpId, needs));
  }
  if (style === 'module') needs.permute = false; // module style permutes inline
  if (opts.includeTraining && plan.targets === 'one_hot' && plan.loss === 'mse')
    needs.functional = true;
  let className = pythonClassName(source.name);
  if (FILE_NAMES.has(className)) className = `${className}Model`;

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
  writeCopyWeight(w);
  w.blank(2);
  writeLoadWeights(w, ir, weightModules(ir, plans, style));
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
