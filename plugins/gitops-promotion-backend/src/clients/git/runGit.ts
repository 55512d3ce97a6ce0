import { execFile } from 'node:child_process';

/** Where and as whom a git command runs. */
export interface GitCommandOptions {
  cwd: string;
  /** Extra environment, e.g. GIT_AUTHOR_DATE. Merged over a neutral base. */
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
  /** Kills the command after this long (default: no limit). */
  timeoutMs?: number;
}

/**
 * An environment for git that does not depend on the machine: no user or
 * system git config, no prompts, a fixed locale.
 */
export function neutralGitEnv(
  cwd: string,
  extra?: Record<string, string>,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: cwd,
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

/**
 * Runs the git CLI and resolves with its standard output. The environment is
 * neutral: no user or system git config, no prompts, a fixed locale, so the
 * result does not depend on the machine.
 */
export function runGit(
  args: string[],
  { cwd, env, input, timeoutMs }: GitCommandOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: neutralGitEnv(cwd, env),
      },
      (error, stdout, stderr) => {
        if (error?.killed && timeoutMs) {
          reject(
            new Error(
              `git ${args[0]} timed out after ${Math.round(timeoutMs / 1000)}s`,
            ),
          );
        } else if (error) {
          reject(
            new Error(
              `git ${args[0]} failed: ${
                String(stderr).trim() || error.message
              }`,
            ),
          );
        } else {
          resolve(String(stdout));
        }
      },
    );
    if (input !== undefined) {
      child.stdin?.end(input);
    }
  });
}
