export * from './types';
export * from './schema';
export * from './read';
export * from './ops';
export * from './ids';
export * from './migrations';
export * from './workshop';
export * from './policy';
