export * from './loops';
export { buildCsr, stronglyConnectedComponents } from './graph';
export type { Csr, StronglyConnectedComponents } from './graph';
export * from './structure';
export * from './compare';
