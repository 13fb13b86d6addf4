export { describeAdapterConformance, type ConformanceSample, type ConformanceSetup } from './kit.ts';
