export * from './errors';
export * from './kdf';
export * from './limits';
export * from './names';
export * from './wire';
