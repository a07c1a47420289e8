import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { MAX_PROJECT_BYTES } from '../../shared/graph/project.ts';
import type {
  AutosaveWriteRequest,
  DocumentState,
  ExportFileRequest,
  OpenRecentRequest,
  SaveProjectRequest,
} from '../../shared/ipc/contract.ts';

/** Exports (weights, ONNX) may be larger than a project file, but not unbounded. */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

/** For channels without an argument. */
export const noRequest = z.undefined() as unknown as z.ZodType<void>;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const fileNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((name) => !/[/\\:]/.test(name), 'must be a file name, not a path')
  .refine((name) => name !== '.' && name !== '..', 'must be a file name, not a path')
  .refine((name) => !CONTROL.test(name), 'must not contain control characters');

export const absolutePathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'is too long')
  .refine((path) => !path.includes('\0'), 'must not contain NUL characters')
  .refine((path) => isAbsolute(path), 'must be an absolute path');

const projectTextSchema = z
  .string()
  .max(MAX_PROJECT_BYTES, `must be at most ${MAX_PROJECT_BYTES / 1024 / 1024} MB`);

const filterSchema = z.strictObject({
  name: z.string().min(1).max(100),
  extensions: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9]{1,16})$/, 'must be an extension without the dot'))
    .min(1)
    .max(20),
});

export const saveProjectSchema: z.ZodType<SaveProjectRequest> = z.strictObject({
  path: absolutePathSchema.optional(),
  text: projectTextSchema,
  suggestedName: fileNameSchema,
});

export const openRecentSchema: z.ZodType<OpenRecentRequest> = z.strictObject({
  path: absolutePathSchema,
});

export const exportFileSchema: z.ZodType<ExportFileRequest> = z.strictObject({
  suggestedName: fileNameSchema,
  data: z.union([
    z.string().max(MAX_EXPORT_BYTES, 'is larger than 512 MB'),
    z
      .instanceof(Uint8Array)
      .refine((bytes) => bytes.byteLength <= MAX_EXPORT_BYTES, 'is larger than 512 MB'),
  ]),
  filters: z.array(filterSchema).max(10),
});

export const autosaveWriteSchema: z.ZodType<AutosaveWriteRequest> = z.strictObject({
  text: projectTextSchema,
  sourcePath: absolutePathSchema.nullable(),
});

export const documentStateSchema: z.ZodType<DocumentState> = z.strictObject({
  fileName: z
    .string()
    .max(260)
    .refine((name) => !CONTROL.test(name), 'must not contain control characters'),
  dirty: z.boolean(),
});
