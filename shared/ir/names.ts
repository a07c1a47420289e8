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
  return names.map((base) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}
