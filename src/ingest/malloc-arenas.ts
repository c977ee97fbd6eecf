// glibc gives each thread that allocates its own malloc arena (up to 8 per core) and returns
// freed memory to the system only from the top of an arena. `gitrail ingest` allocates on four
// threads plus libuv's pool, much of it short-lived and freed on another thread than the one
// that made it, and the arenas kept ~40 MB more than they held at 10k resources (issue 12).
// Two arenas hold the same data in less. The limit is read only when a process starts, so the
// executable restarts itself once with it set; nothing has run yet when it does.

/** Environment variable glibc reads for the most arenas it makes. */
const ARENA_MAX = 'MALLOC_ARENA_MAX';
const ARENAS = '2';

/**
 * For `gitrail ingest` on Linux, replaces this process (same pid, stdio and arguments) by one
 * with glibc's arenas limited, unless the user set the limit. Returns when nothing is to be done.
 */
export function restartWithFewArenas(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (argv[0] === 'ingest') restartProcessWithFewArenas(env);
}

/** The same restart for any process that runs an ingest (bench/ingest-one.ts measures what `gitrail ingest` does). */
export function restartProcessWithFewArenas(env: NodeJS.ProcessEnv = process.env): void {
  if (process.platform !== 'linux' || env[ARENA_MAX] !== undefined) return;
  if (typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...env,
    [ARENA_MAX]: ARENAS,
  });
}
