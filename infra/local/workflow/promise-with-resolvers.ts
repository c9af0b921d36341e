/**
 * aws-local-stepfunctions 3.0.0 calls `Promise.withResolvers()` (ES2024) for every Task state's
 * timeout, and Node 20 has none: without this stand-in every Task fails with a TypeError. Installed
 * only when absent, so Node 22+ keeps its own. Import this module before running the library.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const PromiseConstructorWithResolvers: PromiseConstructor & { withResolvers?: unknown } = Promise;

if (typeof PromiseConstructorWithResolvers.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
