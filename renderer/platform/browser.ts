import type { DocumentState, FileFilter, OpenedFile, Platform, SaveResult } from './types.ts';

function download(name: string, data: string | Uint8Array, type: string): SaveResult {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { saved: true, location: name };
}

function pickFile(filters?: FileFilter[]): Promise<OpenedFile | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = (filters ?? [])
      .flatMap((f) => f.extensions.filter((e) => e !== '*').map((e) => `.${e}`))
      .join(',');
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      file.text().then((text) => resolve({ name: file.name, text }), reject);
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.append(input);
    input.click();
  });
}

/** The web build: a file input to open, a download link to save, the tab title. */
export const browserPlatform: Platform = {
  kind: 'browser',
  openFile: (filters) => pickFile(filters),
  saveFile: async (name, data) => download(name, data, 'application/json'),
  exportFile: async (name, data) =>
    download(name, data, typeof data === 'string' ? 'text/plain' : 'application/octet-stream'),
  onCommand: () => () => {},
  setDocumentState: ({ fileName, dirty }: DocumentState) => {
    document.title = `${dirty ? '• ' : ''}${fileName} — Netwright`;
  },
};
