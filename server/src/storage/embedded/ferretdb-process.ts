import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long the embedded database may take to bind its port before we give up. */
const START_TIMEOUT_MS = 30_000;
/** How long it gets to close SQLite cleanly after SIGTERM before SIGKILL. */
const STOP_TIMEOUT_MS = 5_000;

export interface EmbeddedDatabase {
  uri: string;
  pid: number;
  /** Resolves once the child has exited. Safe to call more than once. */
  stop(): Promise<void>;
  /** Called if the child dies on its own (not through stop()). */
  onUnexpectedExit(listener: (code: number | null) => void): void;
}

/**
 * Starts the FerretDB child on a free loopback port with SQLite files under dataDir.
 * The child's stdin is a pipe we never write to: when this process dies, even by SIGKILL, the pipe
 * closes and the child exits, so no orphan is left behind.
 */
export async function startEmbeddedDatabase(binary: string, dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  return startDatabaseChild('The embedded database', binary, ['-data-dir', dataDir, '-listen', '127.0.0.1:0'], log);
}

/**
 * Starts a database child that speaks the protocol of server/ferretdb/main.go: one JSON line
 * `{"uri": …}` on stdout once it listens, and exit when its stdin closes. The test engine
 * (server/mongo-semantics/) speaks it too.
 */
export async function startDatabaseChild(name: string, command: string, args: string[], log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderrTail = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  });

  const uri = await readUri(name, child, () => stderrTail);
  const exitListeners: Array<(code: number | null) => void> = [];
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      if (!stopping) for (const listener of exitListeners) listener(code);
      resolve();
    }),
  );

  return {
    uri,
    pid: child.pid!,
    onUnexpectedExit: (listener) => exitListeners.push(listener),
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function readUri(name: string, child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (reason: string) => {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start: ${reason}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onError = (error: Error) => fail(error.message);
    const onExit = (code: number | null) => fail(`it exited with code ${code}`);
    child.on('error', onError);
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      try {
        const { uri } = JSON.parse(line) as { uri: string };
        resolve(uri);
      } catch {
        fail(`unexpected output ${JSON.stringify(line)}`);
      }
    });
  });
}
