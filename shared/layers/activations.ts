/** Activation functions known to every back-end, with their PyTorch modules. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'gelu',
  'softplus',
  'leaky_relu',
] as const;

export type ActivationName = (typeof ACTIVATIONS)[number];

/** Keras 3's default slope for leaky_relu; used the same way by every back-end. */
export const LEAKY_RELU_SLOPE = 0.2;

/** PyTorch module constructor for an activation (without `nn.` prefix logic elsewhere). */
export const TORCH_ACTIVATION: Record<ActivationName, string | null> = {
  linear: null,
  relu: 'nn.ReLU()',
  sigmoid: 'nn.Sigmoid()',
  tanh: 'nn.Tanh()',
  softmax: 'nn.Softmax(dim=-1)',
  elu: 'nn.ELU()',
  selu: 'nn.SELU()',
  gelu: 'nn.GELU()',
  softplus: 'nn.Softplus()',
  leaky_relu: `nn.LeakyReLU(${LEAKY_RELU_SLOPE})`,
};
