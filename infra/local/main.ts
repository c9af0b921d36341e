// `npm start`: the whole of hub-intake on this machine, with no AWS account.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'WARN';

const { settingsFromEnv, startRuntime } = await import('./runtime');

export {};

try {
  const settings = settingsFromEnv(process.env);
  const started = Date.now();
  const runtime = await startRuntime(settings);
  const dataNote = settings.dataDir === 'memory' ? 'in memory (DATA_DIR=memory)' : `in ${settings.dataDir}`;
  console.log(
    [
      `hub-intake listening on ${runtime.url}`,
      `  form:         ${runtime.url}/form?partner=humanitas&lang=it`,
      `  embed.js:     ${runtime.url}/embed.js`,
      `  schema:       ${runtime.url}/schema/case.json`,
      `  mailbox:      ${runtime.url}/_local/mail (JSON, newest first)`,
      `  mail viewer:  ${runtime.mailViewerUrl}`,
      `  data:         ${dataNote}`,
      `  started in ${Date.now() - started} ms; Ctrl+C stops it.`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`hub-intake stopping (${signal})`);
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('hub-intake did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(`hub-intake could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
