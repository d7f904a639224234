export * from './code-point-length';
export * from './errors';
export * from './is-object';
export * from './kdf';
export * from './limits';
export * from './names';
export * from './wire';
