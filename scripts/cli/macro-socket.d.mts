/** Where the macro server listens (scripts/cli/macro-socket.mjs). */
export function macroServerSocket(repoRoot: string): string;
