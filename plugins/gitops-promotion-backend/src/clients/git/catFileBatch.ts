import { spawn } from 'node:child_process';
import { neutralGitEnv } from './runGit';

/**
 * Reads many objects with one `git cat-file --batch` process: the cost of a
 * cold read of thousands of files is one process, not one per file.
 * Resolves with the text of each blob found (missing objects are left out).
 */
export function catFileBatch(
  cwd: string,
  shas: string[],
): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      env: neutralGitEnv(cwd),
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', chunk => (stderr += String(chunk)));
    child.on('error', reject);
    // A git that exits before reading all of stdin (EPIPE) is reported by 'close'.
    child.stdin.on('error', () => {});
    child.on('close', code => {
      if (code !== 0) {
        reject(new Error(`git cat-file --batch failed: ${stderr.trim()}`));
        return;
      }
      resolve(parseBatchOutput(Buffer.concat(chunks)));
    });
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}

/** `<sha> <type> <size>\n<content>\n` per object, or `<sha> missing\n`. */
function parseBatchOutput(out: Buffer): Map<string, string> {
  const blobs = new Map<string, string>();
  let offset = 0;
  while (offset < out.length) {
    const eol = out.indexOf(0x0a, offset);
    const [sha, type, size] = out.subarray(offset, eol).toString().split(' ');
    offset = eol + 1;
    if (type === 'missing') continue;
    const length = Number(size);
    if (type === 'blob') {
      blobs.set(sha, out.subarray(offset, offset + length).toString('utf8'));
    }
    offset += length + 1;
  }
  return blobs;
}
