// `npm start`: the whole of hub-intake on this machine, with no AWS account.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'WARN';

const { settingsFromEnv, startRuntime } = await import('./runtime');
const { bannerLines } = await import('./banner');

export {};

try {
  const settings = settingsFromEnv(process.env);
  const started = Date.now();
  const runtime = await startRuntime(settings);
  console.log(bannerLines(runtime, settings.dataDir, Date.now() - started).join('\n'));
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
