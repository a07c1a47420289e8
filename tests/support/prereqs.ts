/**
 * What the machine offers the tests, from the same probes as `npm test`'s prerequisites check
 * (scripts/prereqs.mjs), and a `describe` that skips visibly when an optional piece is missing.
 *
 * Optional pieces (today: a WebGPU adapter for Dawn in Node) make their tests skip, counted as
 * skipped in vitest's summary, with one warning line naming what is missing. Under CI=true nothing
 * may be skipped: the suite runs one failing test that names the missing piece instead.
 */
import { describe, it } from 'vitest';
import { isCI, probeWebGPU } from '../../scripts/prereqs.mjs';

let webgpu: ReturnType<typeof probeWebGPU> | undefined;

/** The WebGPU probe's answer, run once per test file in a child process (about half a second). */
export function webGPUProbe(): ReturnType<typeof probeWebGPU> {
  webgpu ??= probeWebGPU();
  return webgpu;
}

/**
 * True when `webgpu` (Dawn) finds an adapter in Node: on Linux a Vulkan driver (Mesa's lavapipe
 * in software is enough), on macOS Metal, on Windows Direct3D 12.
 */
export function hasVulkanAdapter(): boolean {
  return Boolean(webGPUProbe().adapter);
}

/** Why WebGPU in Node is unavailable, or null when it is available. */
export function webGPUMissing(): string | null {
  const probe = webGPUProbe();
  if (probe.adapter) return null;
  return probe.error ?? 'Dawn (npm package webgpu) found no adapter: no Vulkan driver';
}

/**
 * `describe(name, body)` when `missing` is null. Otherwise the suite is skipped (vitest counts its
 * tests as skipped; one warning line says why), or under CI=true replaced by one failing test that
 * says what is missing and how to install it.
 */
export function describeIfAvailable(missing: string | null, name: string, body: () => void): void {
  if (missing === null) {
    describe(name, body);
    return;
  }
  const why = `${missing}; install with scripts/install-prereqs.sh`;
  if (isCI()) {
    describe(name, () => {
      it('has its prerequisites (CI=true allows no skipped tests)', () => {
        throw new Error(why);
      });
    });
    return;
  }
  console.warn(`skipped "${name}": ${why}`);
  describe.skip(name, body);
}

/** `describe` for the WebGPU-in-Node tests: skipped visibly without an adapter, failing under CI. */
export function describeWithWebGPU(name: string, body: () => void): void {
  describeIfAvailable(webGPUMissing(), name, body);
}
