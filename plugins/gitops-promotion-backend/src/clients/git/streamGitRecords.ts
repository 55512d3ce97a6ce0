import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { neutralGitEnv } from './runGit';

/**
 * Runs git and hands its output to `take` record by record (records start
 * with `separator`) as it streams. When `take` returns false git is stopped,
 * so walking a long history costs only as much of it as is read.
 */
export function streamGitRecords(
  args: string[],
  options: {
    cwd: string;
    separator: string;
    take: (record: string) => boolean;
  },
): Promise<void> {
  const { cwd, separator, take } = options;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: neutralGitEnv(cwd) });
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let stderr = '';
    let stopped = false;
    const takeAll = (records: string[]) => {
      for (const record of records) {
        if (stopped || !record) continue;
        if (!take(record)) {
          stopped = true;
          child.kill('SIGKILL');
        }
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const records = (pending + decoder.write(chunk)).split(separator);
      pending = records.pop()!;
      takeAll(records);
    });
    child.stderr.on('data', chunk => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', code => {
      if (stopped) {
        resolve();
      } else if (code !== 0) {
        const command = args[0] === '-c' ? args[2] : args[0];
        reject(new Error(`git ${command} failed: ${stderr.trim()}`));
      } else {
        takeAll([pending + decoder.end()]);
        resolve();
      }
    });
  });
}
