/**
 * A spy on a handler method that calls through to it. @EventHandler's metadata sits on the original
 * function, so it is copied onto the spy for the module to discover the spy in its place.
 */
export function spyOnHandler<T extends object>(
  prototype: T,
  method: jest.FunctionPropertyNames<Required<T>>,
): jest.SpyInstance {
  const original = prototype[method] as object;
  const spy = jest.spyOn(prototype, method);
  for (const key of Reflect.getMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), spy);
  }
  return spy as unknown as jest.SpyInstance;
}

/** Sets environment variables; the function returned puts back what was there. */
export function setEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
