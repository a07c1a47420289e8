/**
 * A turn of the event loop for a training loop in a Web Worker, so that Stop/Pause messages are
 * received while it trains: a MessageChannel task, not `setTimeout(0)`, which browsers clamp to
 * 4 ms once timers nest (HTML's timer nesting rule) — about 8% of a training epoch at one yield
 * per 50 ms. Returns the `yieldToEvents` function for `train` (shared/training/train.ts).
 */
export function messageChannelYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      queue.push(resolve);
      channel.port2.postMessage(0);
    });
}
