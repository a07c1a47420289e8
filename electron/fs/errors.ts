/** File system errors in words a user understands. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOENT':
      return 'the file or its folder does not exist';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EBUSY':
      return 'the file is in use by another program';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    case 'EIO':
      return 'the disk reported an input/output error';
    case 'EEXIST':
      return 'a file or folder of that name already exists';
    case 'ENOTEMPTY':
      return 'the folder is not empty';
    case 'EXDEV':
      return 'the source and target are on different disks';
    case 'ELOOP':
      return 'too many symbolic links (a link loop)';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return code ? `${message} (${code})` : message;
    }
  }
}

const UNSAFE_CHARS =
  // C0/C1 controls (except tab), and bidi overrides/isolates that could disguise a message.
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Makes text from a file safe to show: control and bidi characters escaped, lines truncated.
 * (The renderer shows it as text, never as HTML; this keeps messages readable and bounded.)
 */
export function safeMessage(text: string, maxLength = 400): string {
  const escaped = text.replace(
    UNSAFE_CHARS,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}… (truncated)` : escaped;
}
