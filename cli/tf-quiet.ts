import type * as tfjs from '@tensorflow/tfjs';

/**
 * Keeps TF.js's "Hi, looks like you are running TensorFlow.js in Node.js … install tfjs-node"
 * banner off the CLI's output: the cpu backend prints it on its first tensor write when IS_NODE
 * (tfjs-backend-cpu backend_cpu.ts, `firstUse`). Netwright deliberately runs the wasm/cpu
 * backends (no native tfjs-node build), so the advice is noise to a user. Only that one-time flag
 * is cleared; other TF.js warnings still print.
 */
export function quietTfjsBanner(tf: typeof tfjs): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}
