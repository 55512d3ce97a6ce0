import { execFile } from 'node:child_process';

/**
 * Runs the git CLI in `cwd` with a neutral environment (no user or system
 * config, no prompts; `env` adds to it, e.g. GIT_AUTHOR_DATE) and resolves
 * with its raw standard output.
 */
export function runGitCommand(
  cwd: string,
  args: string[],
  input?: string,
  env?: Record<string, string>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: cwd,
          LANG: 'C',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString('utf8').trim() || error.message;
          reject(new Error(`git ${args[0]} failed: ${detail}`));
        } else {
          resolve(stdout);
        }
      },
    );
    if (input !== undefined) {
      child.stdin?.end(input);
    }
  });
}
