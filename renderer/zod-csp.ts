/**
 * Imported first by every renderer entry point: zod without its JIT. Zod otherwise probes for
 * `new Function` on first use, which the app's CSP (no 'unsafe-eval', electron/security/csp.ts)
 * refuses and reports as a `securitypolicyviolation`; jitless parsing needs no eval at all.
 */
import { config } from 'zod';

config({ jitless: true });
