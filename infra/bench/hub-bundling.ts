import type { BuildOptions } from 'esbuild';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FunctionName } from '../routes';

/**
 * The bundling options and environment of the deployed functions, read from `HubFunction`
 * itself rather than copied, so the benchmark builds exactly what `cdk deploy` ships.
 *
 * `HubFunction` passes them inline to `NodejsFunction`'s constructor; to read them without
 * running CDK's bundling, {@link captureHubFunctionProps} constructs one `HubFunction` in a
 * throwaway stack with its parent class swapped for a recorder for the duration of the call.
 * {@link esbuildOptionsFromCdk} then turns them into esbuild options the way CDK's `Bundling`
 * turns them into esbuild command-line arguments (aws-cdk-lib `aws-lambda-nodejs/lib/bundling.js`,
 * `buildEsbuildArgs`), refusing any option it does not translate.
 */

/** What `HubFunction` hands to `NodejsFunction`, as far as the benchmark reads it. */
export interface CapturedFunctionProps {
  entry: string;
  /** The Lambda runtime's name, such as `nodejs24.x`. */
  runtime: string;
  bundling: BundlingOptions;
  environment: Record<string, string>;
}

/**
 * The props `HubFunction` gives `NodejsFunction` for function `name`, with `environment` as the
 * stack would pass it. Loads aws-cdk-lib (about a second).
 */
export async function captureHubFunctionProps(name: FunctionName, environment: Record<string, string>): Promise<CapturedFunctionProps> {
  const [{ App, Stack }, { Key }, { Construct }, { HubFunction }] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/aws-kms'),
    import('constructs'),
    import('../constructs/hub-function'),
  ]);
  let captured: Record<string, unknown> | undefined;
  class Recorder extends Construct {
    constructor(scope: InstanceType<typeof Construct>, id: string, props: Record<string, unknown>) {
      super(scope, id);
      captured = props;
    }
  }
  const parent = Object.getPrototypeOf(HubFunction) as object;
  Object.setPrototypeOf(HubFunction, Recorder);
  try {
    const stack = new Stack(new App(), 'BenchCapture');
    new HubFunction(stack, 'Fn', {
      name,
      environment,
      logEncryptionKey: new Key(stack, 'LogKey'),
      failedInvocations: { synchronousCaller: 'the benchmark' },
    });
  } finally {
    Object.setPrototypeOf(HubFunction, parent);
  }
  if (!captured) throw new Error('HubFunction did not call its parent constructor; cannot read its bundling options');
  const runtime = captured.runtime as { name?: string } | undefined;
  return {
    entry: String(captured.entry),
    runtime: String(runtime?.name),
    bundling: (captured.bundling ?? {}) as BundlingOptions,
    environment: (captured.environment ?? {}) as Record<string, string>,
  };
}

/** Options of CDK's `BundlingOptions` that only concern Docker, hashing or the asset, not esbuild's output. */
const NOT_ESBUILD = new Set(['forceDockerBundling', 'dockerImage', 'buildArgs', 'environment', 'assetHash', 'network', 'securityOpt', 'volumes', 'volumesFrom', 'workingDirectory', 'user', 'entrypoint', 'bundlingFileAccess', 'command']);
/** Options translated below. */
const TRANSLATED = new Set(['minify', 'sourceMap', 'sourceMapMode', 'sourcesContent', 'target', 'format', 'banner', 'footer', 'externalModules', 'mainFields', 'loader', 'define', 'logLevel', 'keepNames', 'tsconfig', 'metafile', 'inject', 'esbuildArgs']);

/** The file CDK writes the bundle to: `index.mjs` for ESM, `index.js` otherwise. */
export const outputFileName = (bundling: BundlingOptions): string => (bundling.format === 'esm' ? 'index.mjs' : 'index.js');

/**
 * esbuild options equivalent to the command line CDK runs for these bundling options
 * (`esbuild --bundle <entry> --target=... --platform=node ...`), writing to `outdir`.
 * `metafile` is always on: the benchmark reads what weighs in each bundle.
 */
export function esbuildOptionsFromCdk(props: Pick<CapturedFunctionProps, 'entry' | 'runtime' | 'bundling'>, outdir: string): BuildOptions {
  const { bundling } = props;
  const unknown = Object.keys(bundling).filter((key) => !TRANSLATED.has(key) && !NOT_ESBUILD.has(key));
  if (unknown.length > 0) throw new Error(`The benchmark does not translate the bundling option(s) ${unknown.join(', ')}: extend infra/bench/hub-bundling.ts`);
  const version = /^nodejs(\d+)/.exec(props.runtime)?.[1];
  const sourcemap = bundling.sourceMapMode ?? bundling.sourceMap;
  return {
    entryPoints: [props.entry],
    bundle: true,
    platform: 'node',
    target: bundling.target ?? (version ? `node${version}` : undefined),
    ...(bundling.format ? { format: bundling.format as BuildOptions['format'] } : {}),
    outfile: `${outdir}/${outputFileName(bundling)}`,
    minify: Boolean(bundling.minify),
    // CDK's `--sourcemap` with no mode is esbuild's linked source map.
    sourcemap: sourcemap === undefined || sourcemap === false ? false : sourcemap === true || sourcemap === 'default' ? 'linked' : (sourcemap as BuildOptions['sourcemap']),
    ...(bundling.sourcesContent === false ? { sourcesContent: false } : {}),
    // CDK's default leaves the runtime's AWS SDK v3 out of the bundle.
    external: bundling.externalModules ?? ['@aws-sdk/*'],
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define } : {}),
    ...(bundling.logLevel ? { logLevel: bundling.logLevel as BuildOptions['logLevel'] } : { logLevel: 'warning' }),
    ...(bundling.keepNames ? { keepNames: true } : {}),
    ...(bundling.tsconfig ? { tsconfig: bundling.tsconfig } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    ...(bundling.inject ? { inject: bundling.inject } : {}),
    ...(bundling.esbuildArgs ? { alias: aliasesOf(bundling.esbuildArgs) } : {}),
    metafile: true,
    write: true,
  };
}

/**
 * The aliases of CDK's `esbuildArgs`, which CDK passes as `--alias:<name>=<path>` (one per item of
 * an array); any other argument is refused, as the benchmark would not build what CDK does.
 */
function aliasesOf(esbuildArgs: NonNullable<BundlingOptions['esbuildArgs']>): Record<string, string> {
  const others = Object.keys(esbuildArgs).filter((key) => key !== '--alias');
  if (others.length > 0) throw new Error(`The benchmark does not translate the esbuild argument(s) ${others.join(', ')}: extend infra/bench/hub-bundling.ts`);
  const value = esbuildArgs['--alias'];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return Object.fromEntries(
    items.map((item) => {
      const at = String(item).indexOf('=');
      if (at <= 0) throw new Error(`--alias:${String(item)} is not <name>=<path>`);
      return [String(item).slice(0, at), String(item).slice(at + 1)];
    }),
  );
}
