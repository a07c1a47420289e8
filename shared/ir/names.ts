/**
 * Turns names from project files (labels, project names) into safe Python identifiers.
 * Nothing from a file reaches generated code except through these functions or a string escaper.
 */

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except ' +
    'finally for from global if import in is lambda nonlocal not or pass raise return try while ' +
    'with yield match case type'
  ).split(' '),
);

/**
 * Names a layer attribute must not take: builtins, the modules generated code imports, the
 * locals it uses, and `nn.Module` / `keras.Model` attributes a layer would shadow.
 */
const RESERVED = new Set(
  (
    'self x y inputs outputs model torch nn tf keras np pd math os sys print len range input ' +
    'forward training parameters buffers modules children train eval to cuda cpu state_dict ' +
    'load_state_dict apply zero_grad layers summary compile fit predict build_model load_weights ' +
    'name dtype device optimizer loss criterion logits main object list dict str int float ' +
    'exec eval open compile globals locals vars getattr setattr delattr __import__ ' +
    // More nn.Module methods: `self.half = nn.Linear(...)` would be shadowed by Module.half.
    'add_module bfloat16 double half ipu xpu mtia dump_patches extra_repr get_buffer ' +
    'get_extra_state set_extra_state get_parameter get_submodule set_submodule named_buffers ' +
    'named_children named_modules named_parameters register_backward_hook register_buffer ' +
    'register_forward_hook register_forward_pre_hook register_full_backward_hook ' +
    'register_full_backward_pre_hook register_load_state_dict_post_hook ' +
    'register_load_state_dict_pre_hook register_state_dict_pre_hook register_module ' +
    'register_parameter share_memory to_empty'
  ).split(' '),
);

/** `MaxPooling2D` → `max_pooling2d`. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** A valid, non-reserved Python identifier made from any text (ASCII letters, digits, `_`). */
export function pythonIdentifier(text: string, fallback = 'layer'): string {
  let id = snakeCase(text.normalize('NFKD'))
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (id === '') id = fallback;
  if (/^[0-9]/.test(id)) id = `${fallback}_${id}`;
  if (PYTHON_KEYWORDS.has(id) || RESERVED.has(id)) id = `${id}_layer`;
  return id.slice(0, 60);
}

/** `MNIST MLP` → `MnistMlp`: a class name for generated code. */
export function pythonClassName(text: string, fallback = 'Net'): string {
  const words = text
    .normalize('NFKD')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  let name = words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join('');
  if (name === '') name = fallback;
  if (/^[0-9]/.test(name)) name = `${fallback}${name}`;
  if (PYTHON_KEYWORDS.has(name)) name = `${name}Model`;
  return name.slice(0, 60);
}

/** Makes names unique by appending `_2`, `_3`, ... to repeats. */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  // The next suffix to try per base: `used` only grows, so a base's first free suffix never goes
  // down, and n repeats of one name cost O(n), not O(n²).
  const next = new Map<string, number>();
  return names.map((base) => {
    let name = base;
    let i = next.get(base) ?? 2;
    if (used.has(name)) {
      while (used.has(`${base}_${i}`)) i++;
      name = `${base}_${i}`;
      next.set(base, i + 1);
    }
    used.add(name);
    return name;
  });
}

/** What a block's name is made from: the fields of a graph node that `blockNames` reads. */
export interface NameSource {
  id: string;
  /** The stored name (project file field `name`), set when the user renames the block. */
  name?: string | undefined;
  label?: string | undefined;
}

/**
 * The text a block's name is made from, before sanitising: its stored `name` when non-blank, else
 * its `label` when non-blank (files from before names were stored), else its `id`.
 */
export function blockNameBase(node: NameSource): string {
  return node.name?.trim() || node.label?.trim() || node.id;
}

/**
 * The one name of every block, in the order given (the graph's `nodes` order, i.e. file order):
 * `pythonIdentifier(blockNameBase(node))`, made unique: the first block with a base keeps it, a later
 * repeat gets the first of `_2`, `_3`, ... that no block has. This name is the layer name everywhere: Summary, Inside, Keras `name=`, PyTorch
 * `self.<name>`, TF.js layer names, weights.npz keys (`<name>/<array>`) and ONNX node names.
 * A block's name depends only on its own fields unless its base sanitises to the same identifier
 * as an earlier block's (possible only in a hand-edited file); the app's rename, label, add and
 * paste edits never create such a collision, so they never rename another block. Returns one
 * identifier per node, each matching
 * `^[A-Za-z_][A-Za-z0-9_]*$`, never a Python keyword or a name generated code uses.
 */
export function blockNames(nodes: readonly NameSource[]): string[] {
  const bases = nodes.map((n) => pythonIdentifier(blockNameBase(n)));
  // Every base is reserved for its first block, so a repeat's `_2` never takes a later block's own name.
  const taken = new Set(bases);
  const first = new Set<string>();
  // The next suffix to try per base (`taken` only grows, so it never goes down): O(n) for n repeats.
  const next = new Map<string, number>();
  return bases.map((base) => {
    if (!first.has(base)) {
      first.add(base);
      return base;
    }
    let i = next.get(base) ?? 2;
    while (taken.has(`${base}_${i}`)) i++;
    next.set(base, i + 1);
    const name = `${base}_${i}`;
    taken.add(name);
    return name;
  });
}

/** `blockNames` keyed by node id; a repeated id (an invalid graph) keeps its first node's name. */
export function blockNameMap(nodes: readonly NameSource[]): Map<string, string> {
  const names = blockNames(nodes);
  const out = new Map<string, string>();
  nodes.forEach((n, i) => {
    if (!out.has(n.id)) out.set(n.id, names[i]!);
  });
  return out;
}

/** `base` if it is not in `taken`, else the first of `base_2`, `base_3`, ... that is not. */
export function freshName(taken: ReadonlySet<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

export type BlockNameCheck = { ok: true; name: string } | { ok: false; message: string };

/**
 * Checks a name the user typed for block `nodeId` among `nodes` (the graph's nodes). Valid when,
 * after trimming, it is non-empty, already a safe identifier (`pythonIdentifier` leaves it as it
 * is: lower-case ASCII letters, digits and `_`, starting with a letter or `_`, at most 60
 * characters, no Python keyword or name generated code uses) and no other block has it as its
 * name (`blockNames`). Never throws; the message says what to type instead.
 */
export function checkBlockName(
  nodes: readonly NameSource[],
  nodeId: string,
  raw: string,
): BlockNameCheck {
  const name = raw.trim();
  if (name === '') return { ok: false, message: 'A block needs a name.' };
  const safe = pythonIdentifier(name);
  if (safe !== name) {
    return {
      ok: false,
      message: `"${name.slice(0, 80)}" is not a name the code can use: lower-case letters, digits and _, starting with a letter, at most 60 characters, no Python keyword. Try ${safe}.`,
    };
  }
  const names = blockNames(nodes);
  const other = nodes.findIndex((n, i) => n.id !== nodeId && names[i] === name);
  if (other >= 0) {
    return { ok: false, message: `Another block (${nodes[other]!.id}) is already named ${name}.` };
  }
  return { ok: true, name };
}
