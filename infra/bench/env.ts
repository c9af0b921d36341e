/**
 * The environment of the benchmark process itself, set before any other module of it runs (it is
 * the first import of run.ts): the AWS SDK clients used in process talk to the embedded emulators
 * only, on Node 20, and the functions' logger stays quiet.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'eu-south-1';
process.env.LOG_LEVEL ??= 'CRITICAL';

export {};
